import type { SqlType } from '../sql-types.js';

/** Type categories and PostgreSQL's implicit coercions, as far as flowlens's types go. */

export const isInteger = (t: SqlType): boolean => t === 'int2' || t === 'int4' || t === 'int8';

export const isNumber = (t: SqlType): boolean => isInteger(t) || t === 'numeric' || t === 'float8';

export const isInet = (t: SqlType): boolean => t === 'inet' || t === 'cidr';

const numberRank: Partial<Record<SqlType, number>> = { int2: 1, int4: 2, int8: 3, numeric: 4, float8: 5 };

/** The wider of two number types (int2 < int4 < int8 < numeric < float8). */
export function widerNumber(a: SqlType, b: SqlType): SqlType {
  return numberRank[a]! >= numberRank[b]! ? a : b;
}

/** Whether PostgreSQL would convert `from` to `to` without an explicit cast. */
export function implicitlyCastable(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'unknown') return true;
  if (isNumber(from) && isNumber(to)) return numberRank[from]! <= numberRank[to]!;
  return from === 'cidr' && to === 'inet';
}

/** Whether an explicit cast exists (the executor's 'cast' covers these). */
export function explicitlyCastable(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'unknown' || to === 'text' || from === 'text') return true;
  if (isNumber(from) && isNumber(to)) return true;
  if (isInet(from) && isInet(to)) return true;
  return (from === 'bool' && to === 'int4') || (from === 'int4' && to === 'bool');
}

/** Types whose values PostgreSQL orders (comparison operators, min/max, ORDER BY). */
export function isOrderable(t: SqlType): boolean {
  return t !== 'unknown';
}

/** The bounds of each integer type, for overflow checks when folding. */
export const integerBounds: Readonly<Record<string, readonly [number, number]>> = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
  int8: [-(2 ** 63), 2 ** 63], // as close as a double gets
};
