import { QueryError, SqlState } from '../../errors.js';
import type { CidrValue } from '../../plan/plan.js';
import type { SqlType } from '../../sql-types.js';
import { typeDisplayName } from '../errors.js';
import type { IrValue } from '../ir.js';
import { integerBounds, isInteger, isNumber } from '../types.js';
import { withMasklen } from './inet.js';
import { parseTextAs, valueToText } from './literal.js';

/** An explicit cast of a non-NULL constant, as PostgreSQL's cast functions do it. */
export function castValue(value: IrValue, from: SqlType, to: SqlType): IrValue {
  if (value === null || from === to) return value;
  if (to === 'text') return valueToText(value, from);
  if (from === 'text' || from === 'unknown') return parseTextAs(value as string, to, { now: Date.now() });
  if (isNumber(from) && isNumber(to)) {
    const x = value as number;
    if (!isInteger(to)) return x;
    // float8 → integer rounds half to even (rint); numeric → integer rounds half away from zero.
    const r = from === 'float8' ? roundEven(x) : Math.sign(x) * Math.round(Math.abs(x));
    const [min, max] = integerBounds[to]!;
    if (!(r >= min && r <= max)) {
      throw new QueryError(SqlState.numericValueOutOfRange, `${typeDisplayName[to]} out of range`);
    }
    return r + 0;
  }
  if (from === 'inet' && to === 'cidr')
    return withMasklen(value as CidrValue, (value as CidrValue).bits, true);
  if (from === 'cidr' && to === 'inet') return value;
  if (from === 'bool' && to === 'int4') return value ? 1 : 0;
  if (from === 'int4' && to === 'bool') return value !== 0;
  throw new QueryError(
    SqlState.datatypeMismatch,
    `cannot cast type ${typeDisplayName[from]} to ${typeDisplayName[to]}`,
  );
}

function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
