import { isIPv4 } from 'node:net';
import type { Value } from '../../query/api.js';
import type { PgType } from '../../query/compat/pg-types.js';
import type { WireWriter } from './wire-writer.js';

/** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
export const PG_EPOCH_MS = 946_684_800_000;

/** Whether a column of this type can be sent in binary (what RowDescription may promise). */
export function hasBinaryOut(type: PgType): boolean {
  return binaryOids.has(type.oid);
}

const binaryOids = new Set([
  16, 18, 19, 20, 21, 23, 25, 26, 700, 701, 705, 829, 869, 650, 1042, 1043, 1114, 1184, 1186, 1700,
]);

/** Writes one non-null cell in binary: its int32 length, then the bytes (PostgreSQL's *_send). */
export function writeBinary(w: WireWriter, value: Exclude<Value, null>, type: PgType): void {
  switch (type.oid) {
    case 16:
      w.int32(1).int8(value ? 1 : 0);
      return;
    case 21:
      w.int32(2).int16(Number(value));
      return;
    case 23:
      w.int32(4).int32(Number(value));
      return;
    case 26: {
      const b = w.reserve(8);
      b.writeInt32BE(4, w.offset);
      b.writeUInt32BE(Number(value) >>> 0, w.offset + 4);
      w.advance(8);
      return;
    }
    case 20:
      int64(w, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
      return;
    case 700:
    case 701: {
      const b = w.reserve(12);
      b.writeInt32BE(type.oid === 700 ? 4 : 8, w.offset);
      if (type.oid === 700) {
        b.writeFloatBE(Number(value), w.offset + 4);
        w.advance(8);
      } else {
        b.writeDoubleBE(Number(value), w.offset + 4);
        w.advance(12);
      }
      return;
    }
    case 1114:
    case 1184:
      int64(w, BigInt(Math.round((Number(value) - PG_EPOCH_MS) * 1000)));
      return;
    case 1186:
      interval(w, Number(value));
      return;
    case 1700:
      numeric(w, plainDecimal(value));
      return;
    case 869:
    case 650:
      inet(w, String(value), type.oid === 650);
      return;
    case 829:
      w.int32(6).bytes(Buffer.from(String(value).replace(/[:-]/g, ''), 'hex'));
      return;
    default:
      w.lstr(String(value));
  }
}

function int64(w: WireWriter, v: bigint): void {
  const b = w.reserve(12);
  b.writeInt32BE(8, w.offset);
  b.writeBigInt64BE(v, w.offset + 4);
  w.advance(12);
}

function interval(w: WireWriter, ms: number): void {
  const days = Math.trunc(ms / 86_400_000);
  const micros = BigInt(Math.round((ms - days * 86_400_000) * 1000));
  const b = w.reserve(20);
  b.writeInt32BE(16, w.offset);
  b.writeBigInt64BE(micros, w.offset + 4);
  b.writeInt32BE(days, w.offset + 12);
  b.writeInt32BE(0, w.offset + 16);
  w.advance(20);
}

function plainDecimal(value: Exclude<Value, null>): string {
  const text = String(value);
  if (!/e/i.test(text) || typeof value !== 'number') return text;
  return Number.isInteger(value) ? BigInt(value).toString() : value.toFixed(20).replace(/0+$/, '');
}

/** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
function numeric(w: WireWriter, text: string): void {
  if (text === 'NaN') {
    w.int32(8)
      .int16(0)
      .int16(0)
      .int16(0xc000 - 0x10000)
      .int16(0);
    return;
  }
  const negative = text.startsWith('-');
  const [intPart = '0', fracPart = ''] = (negative ? text.slice(1) : text).split('.');
  const intDigits = intPart.replace(/^0+/, '');
  const padInt = intDigits.padStart(Math.ceil(intDigits.length / 4) * 4, '0');
  const padFrac = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < padInt.length; i += 4) groups.push(Number(padInt.slice(i, i + 4)));
  for (let i = 0; i < padFrac.length; i += 4) groups.push(Number(padFrac.slice(i, i + 4)));
  let weight = padInt.length / 4 - 1;
  while (groups.length > 0 && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  w.int32(8 + 2 * groups.length)
    .int16(groups.length)
    .int16(weight);
  w.int16(negative && groups.length > 0 ? 0x4000 : 0).int16(fracPart.length);
  for (const g of groups) w.int16(g);
}

/** inet_send: family (2 = IPv4, 3 = IPv6), bits, is_cidr, address length, address. */
function inet(w: WireWriter, text: string, isCidr: boolean): void {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v4 = isIPv4(addr);
  const bytes = v4 ? Buffer.from(addr.split('.').map(Number)) : ipv6Bytes(addr);
  const bits = slash < 0 ? bytes.length * 8 : Number(text.slice(slash + 1));
  w.int32(4 + bytes.length)
    .int8(v4 ? 2 : 3)
    .int8(bits)
    .int8(isCidr ? 1 : 0)
    .int8(bytes.length)
    .bytes(bytes);
}

export function ipv6Bytes(addr: string): Buffer {
  let text = addr;
  const out = Buffer.alloc(16);
  const lastColon = text.lastIndexOf(':');
  let tail: number[] = [];
  if (text.includes('.', lastColon)) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const r = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined ? h : [...h, ...new Array<string>(8 - h.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}
