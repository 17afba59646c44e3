import { formatMac } from '../../flow/addr.js';
import type { Value } from '../api.js';
import { QueryError, SqlState } from '../errors.js';
import type { CidrValue } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { cidrText, cmpInet } from './inet.js';

/**
 * The executor's value while it evaluates: a Value (src/query/api.ts) except that inet and cidr
 * stay a CidrValue until output, and numeric sums may be bigint.
 */
export type IValue = null | boolean | number | bigint | string | CidrValue;

export function isCidr(v: IValue): v is CidrValue {
  return typeof v === 'object' && v !== null;
}

/**
 * Text in byte order (PostgreSQL's C collation over UTF-8): UTF-16 code-unit order except that
 * surrogates (code points past U+FFFF) sort after U+E000–U+FFFF, as their UTF-8 bytes do.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Compares two non-NULL values of the same SQL type. */
export function compareNonNull(a: IValue, b: IValue): number {
  if (typeof a === 'string') return compareText(a, b as string);
  if (isCidr(a)) {
    const c = b as CidrValue;
    return cmpInet(a.bytes, 0, a.bits, c.bytes, 0, c.bits);
  }
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  // number / bigint, possibly mixed (numeric sums past 2^53).
  const x = a as number | bigint;
  const y = b as number | bigint;
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1; // NaN sorts above every number, as in PostgreSQL
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** ORDER BY comparison of one key: NULLs placed by `nullsFirst`, then `descending` flips values. */
export function compareForOrder(a: IValue, b: IValue, descending: boolean, nullsFirst: boolean): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  const c = compareNonNull(a, b);
  return descending ? -c : c;
}

/** SQL equality of two non-NULL values (number and bigint compare by value). */
export function equalNonNull(a: IValue, b: IValue): boolean {
  if (typeof a === 'number' || typeof a === 'bigint') {
    // biome-ignore lint/suspicious/noDoubleEquals: number and bigint compare by value with ==
    return a == (b as number | bigint);
  }
  return compareNonNull(a, b) === 0;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as a number when exact, else kept. */
export function normalizeBig(v: bigint): number | bigint {
  return v <= SAFE && v >= -SAFE ? Number(v) : v;
}

/** The result cell for a value of a SQL type (inet → text, macaddr → text, numbers exact). */
export function toValue(v: IValue, type: SqlType): Value {
  if (v === null) return null;
  switch (type) {
    case 'inet':
    case 'cidr':
      return isCidr(v) ? cidrText(v, type === 'cidr') : String(v);
    case 'macaddr':
      return typeof v === 'number' ? formatMac(v) : String(v);
    case 'float8':
      return typeof v === 'bigint' ? Number(v) : (v as Value);
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
      return typeof v === 'bigint' ? normalizeBig(v) : (v as Value);
    default:
      return isCidr(v) ? cidrText(v) : (v as Value);
  }
}

/** The range of each integer type, as doubles (int8's top is the largest double below 2^63). */
export const integerRanges: Readonly<Record<string, readonly [number, number, string]>> = {
  int2: [-32768, 32767, 'smallint'],
  int4: [-2147483648, 2147483647, 'integer'],
  int8: [-(2 ** 63), 2 ** 63 - 1024, 'bigint'],
};

export function integerOutOfRange(name: string): never {
  throw new QueryError(SqlState.numericValueOutOfRange, `${name} out of range`);
}

/** An integer result checked against its type, as PostgreSQL's int2/int4/int8 operators check. */
export function checkInteger(v: number | bigint, type: SqlType): number | bigint {
  const range = integerRanges[type];
  if (range === undefined) return v;
  const inside = typeof v === 'bigint' ? v >= -(2n ** 63n) && v < 2n ** 63n : v >= range[0] && v <= range[1];
  return inside ? v : integerOutOfRange(range[2]);
}
