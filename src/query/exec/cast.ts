import { formatMac } from '../../flow/addr.js';
import { QueryError, SqlState } from '../errors.js';
import type { CidrValue } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { formatInterval, formatTimestamp } from '../text-format.js';
import { formatInet, maskInto, parseInet } from './inet.js';
import { floatText } from './text-fns.js';
import { type IValue, isCidr } from './values.js';

/** CAST(v AS to) for a non-NULL value of type `from`, as PostgreSQL converts. */
export function castValue(v: IValue, from: SqlType, to: SqlType): IValue {
  if (v === null) return null;
  if (from === to) return v;
  switch (to) {
    case 'text':
      return toText(v, from);
    case 'int2':
    case 'int4':
    case 'int8':
      return toInteger(v, from, to);
    case 'float8':
    case 'numeric':
      return toFloat(v, to);
    case 'bool':
      return toBool(v);
    case 'inet':
    case 'cidr':
      return toInet(v, to);
    case 'timestamptz':
      return toTimestamp(v);
    case 'interval':
    case 'macaddr':
      if (typeof v === 'number') return v;
      break;
    default:
      break;
  }
  throw new QueryError(SqlState.datatypeMismatch, `cannot cast type ${from} to ${to}`);
}

export function toText(v: IValue, from: SqlType): string {
  if (isCidr(v)) return formatInet(v.bytes, 0, v.bits, true);
  switch (from) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'float8':
      return floatText(v as number);
    case 'timestamptz':
      return formatTimestamp(v as number);
    case 'interval':
      return formatInterval(v as number);
    case 'macaddr':
      return formatMac(v as number);
    default:
      return String(v);
  }
}

const intRanges: Record<string, [number, number]> = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
  int8: [-(2 ** 63), 2 ** 63 - 1],
};

/** float8 → int rounds half to even (rint); numeric → int rounds half away from zero. */
function toInteger(v: IValue, from: SqlType, to: SqlType): number | bigint {
  let n: number | bigint;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[+-]?\d+$/.test(s)) {
      throw new QueryError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${to}: "${v}"`);
    }
    n = Number(s);
    if (!Number.isSafeInteger(n)) n = BigInt(s);
  } else if (typeof v === 'boolean') {
    n = v ? 1 : 0;
  } else if (typeof v === 'bigint') {
    n = v;
  } else if (typeof v === 'number') {
    n = from === 'float8' ? roundHalfEven(v) : roundHalfAway(v);
    if (!Number.isFinite(n)) throw outOfRange(to);
  } else {
    throw new QueryError(SqlState.datatypeMismatch, `cannot cast type ${from} to ${to}`);
  }
  const [lo, hi] = intRanges[to]!;
  if (n < lo || n > hi) throw outOfRange(to);
  return n;
}

function outOfRange(type: SqlType): QueryError {
  const name = type === 'int2' ? 'smallint' : type === 'int4' ? 'integer' : 'bigint';
  return new QueryError(SqlState.numericValueOutOfRange, `${name} out of range`);
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function toFloat(v: IValue, to: SqlType): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    const special: Record<string, number> = {
      nan: Number.NaN,
      infinity: Number.POSITIVE_INFINITY,
      '+infinity': Number.POSITIVE_INFINITY,
      '-infinity': Number.NEGATIVE_INFINITY,
    };
    if (s in special) return special[s]!;
    const n = Number(s);
    if (s === '' || Number.isNaN(n)) {
      const name = to === 'float8' ? 'double precision' : 'numeric';
      throw new QueryError(
        SqlState.invalidTextRepresentation,
        `invalid input syntax for type ${name}: "${v}"`,
      );
    }
    return n;
  }
  throw new QueryError(SqlState.datatypeMismatch, `cannot cast inet to ${to}`);
}

function toBool(v: IValue): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return v !== 0 && v !== 0n;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['t', 'true', 'y', 'yes', 'on', '1'].includes(s)) return true;
    if (['f', 'false', 'n', 'no', 'off', '0'].includes(s)) return false;
    throw new QueryError(SqlState.invalidTextRepresentation, `invalid input syntax for type boolean: "${v}"`);
  }
  return Boolean(v);
}

function toInet(v: IValue, to: SqlType): CidrValue {
  if (typeof v === 'string') return parseInet(v, to === 'cidr');
  if (isCidr(v)) {
    if (to === 'inet') return v;
    const bytes = maskInto(new Uint8Array(16), v.bytes, 0, v.bits);
    return { bytes, bits: v.bits, v4: v.v4 };
  }
  throw new QueryError(SqlState.datatypeMismatch, `cannot cast to ${to}`);
}

function toTimestamp(v: IValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    const iso = s.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
    const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`;
    const t = Date.parse(withZone);
    if (Number.isNaN(t)) {
      throw new QueryError(
        SqlState.invalidTextRepresentation,
        `invalid input syntax for type timestamp with time zone: "${v}"`,
      );
    }
    return t;
  }
  throw new QueryError(SqlState.datatypeMismatch, 'cannot cast to timestamp with time zone');
}
