import { formatIPv6Words } from '../../flow/addr.js';
import { pgTypesByOid } from '../../query/compat/pg-types.js';
import { PG_EPOCH_MS } from './binary-out.js';
import { WireErrorThrown, WireState, wireError } from './error-response.js';

/**
 * A parameter sent in binary (Bind format 1), as the text form the engine takes. The type is the
 * one the client declared in Parse (or the engine inferred); each case mirrors PostgreSQL's *_recv.
 */
export function binaryParamToText(data: Buffer, oid: number, index: number): string {
  const bad = () =>
    new WireErrorThrown(
      wireError(
        WireState.invalidBinaryRepresentation,
        `incorrect binary data format in bind parameter ${index + 1}`,
      ),
    );
  const need = (n: number) => {
    if (data.length !== n) throw bad();
  };
  switch (oid) {
    case 16:
      need(1);
      return data[0] ? 't' : 'f';
    case 21:
      need(2);
      return String(data.readInt16BE(0));
    case 23:
      need(4);
      return String(data.readInt32BE(0));
    case 26:
      need(4);
      return String(data.readUInt32BE(0));
    case 20:
      need(8);
      return data.readBigInt64BE(0).toString();
    case 700:
      need(4);
      return floatText(data.readFloatBE(0));
    case 701:
      need(8);
      return floatText(data.readDoubleBE(0));
    case 18:
    case 19:
    case 25:
    case 705:
    case 1042:
    case 1043:
      return data.toString('utf8');
    case 1114:
    case 1184:
      need(8);
      return timestampText(data.readBigInt64BE(0), oid === 1184);
    case 1700:
      return numericText(data, bad);
    case 869:
    case 650:
      return inetText(data, oid === 650, bad);
    default: {
      const name = pgTypesByOid.get(oid)?.display ?? `oid ${oid}`;
      throw new WireErrorThrown(
        wireError(
          WireState.featureNotSupported,
          `binary format for parameter ${index + 1} of type ${name} is not supported`,
          { hint: 'Send this parameter in text format.' },
        ),
      );
    }
  }
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return String(x);
}

function timestampText(micros: bigint, withZone: boolean): string {
  const ms = Number(micros / 1000n) + PG_EPOCH_MS;
  const sub = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const iso = new Date(ms).toISOString();
  const fraction = sub === 0 ? '' : `.${String(sub).padStart(6, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}${withZone ? '+00' : ''}`;
}

function numericText(data: Buffer, bad: () => Error): string {
  if (data.length < 8) throw bad();
  const ndigits = data.readInt16BE(0);
  const weight = data.readInt16BE(2);
  const sign = data.readUInt16BE(4);
  const dscale = data.readInt16BE(6);
  if (data.length !== 8 + 2 * ndigits) throw bad();
  if (sign === 0xc000) return 'NaN';
  const digits: number[] = [];
  for (let i = 0; i < ndigits; i++) digits.push(data.readInt16BE(8 + 2 * i));
  let intPart = '';
  for (let i = 0; i <= weight; i++) intPart += String(digits[i] ?? 0).padStart(i === 0 ? 1 : 4, '0');
  let frac = '';
  for (let i = weight + 1; i < ndigits || frac.length < dscale; i++)
    frac += i < 0 ? '0000' : String(digits[i] ?? 0).padStart(4, '0');
  frac = frac.slice(0, dscale);
  const text = `${intPart === '' ? '0' : intPart}${dscale > 0 ? `.${frac}` : ''}`;
  return sign === 0x4000 ? `-${text}` : text;
}

function inetText(data: Buffer, isCidr: boolean, bad: () => Error): string {
  if (data.length < 4) throw bad();
  const family = data[0]!;
  const bits = data[1]!;
  const n = data[3]!;
  if (data.length !== 4 + n || (family === 2 && n !== 4) || (family === 3 && n !== 16)) throw bad();
  const addr = data.subarray(4);
  let text: string;
  if (family === 2) text = Array.from(addr).join('.');
  else {
    const words: number[] = [];
    for (let i = 0; i < 16; i += 2) words.push(addr.readUInt16BE(i));
    text = formatIPv6Words(words);
  }
  const full = family === 2 ? 32 : 128;
  return isCidr || bits !== full ? `${text}/${bits}` : text;
}
