import { QueryError, SqlState } from '../../errors.js';
import type { CVal } from '../catalog/catalog.js';
import type { PgType } from '../pg-types.js';
import { invalidInput } from './values.js';

/** + - * / % as PostgreSQL computes them, in the result type its operator resolution picked. */

const integerRanges: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-(2n ** 63n), 2n ** 63n - 1n],
};

export const arithmeticOps = new Set(['+', '-', '*', '/', '%']);

/**
 * Integers are exact and range-checked (22003 `integer out of range`), dividing truncates;
 * numeric is exact while both sides are integral and not dividing, a double otherwise; floats are
 * doubles. Division by zero is 22012 in every type.
 */
export function arithmetic(op: string, a: Exclude<CVal, null>, b: Exclude<CVal, null>, type: PgType): CVal {
  const range = integerRanges[type.typname];
  if (range !== undefined) {
    const r = exact(op, toBigInt(a, type), toBigInt(b, type));
    if (r < range[0] || r > range[1])
      throw new QueryError(SqlState.numericValueOutOfRange, `${type.display} out of range`);
    return narrow(r);
  }
  const x = toNumeric(a, type);
  const y = toNumeric(b, type);
  if (type.typname === 'numeric' && op !== '/' && integral(x) && integral(y))
    return narrow(exact(op, BigInt(x), BigInt(y)));
  const p = Number(x);
  const q = Number(y);
  if ((op === '/' || op === '%') && q === 0) throw divisionByZero();
  switch (op) {
    case '+':
      return p + q;
    case '-':
      return p - q;
    case '*':
      return p * q;
    case '/':
      return p / q;
    default:
      return p % q;
  }
}

function exact(op: string, x: bigint, y: bigint): bigint {
  if ((op === '/' || op === '%') && y === 0n) throw divisionByZero();
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    default:
      return x % y;
  }
}

function divisionByZero(): QueryError {
  return new QueryError(SqlState.divisionByZero, 'division by zero');
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** A number while it is exact as one, a bigint past 2^53 (the Value contract's rule). */
function narrow(v: bigint): number | bigint {
  return v >= -maxSafe && v <= maxSafe ? Number(v) : v;
}

function integral(v: number | bigint): boolean {
  return typeof v === 'bigint' || Number.isSafeInteger(v);
}

function toBigInt(v: Exclude<CVal, null>, type: PgType): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  const text = String(v).trim();
  if (!/^[+-]?\d+$/.test(text)) throw invalidInput(type.display, String(v));
  return BigInt(text);
}

function toNumeric(v: Exclude<CVal, null>, type: PgType): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const text = String(v).trim();
  if (/^[+-]?\d+$/.test(text)) return narrow(BigInt(text));
  const n = Number(text);
  if (text === '' || (Number.isNaN(n) && text.toLowerCase() !== 'nan'))
    throw invalidInput(type.display, String(v));
  return n;
}
