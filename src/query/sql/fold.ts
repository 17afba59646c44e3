import { QueryError, SqlState } from '../errors.js';
import type { CidrValue, ScalarFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { typeDisplayName } from './errors.js';
import type { IntervalValue, IrConst, IrValue } from './ir.js';
import { integerBounds, isInteger } from './types.js';
import { castValue } from './values/cast.js';
import {
  compareInet,
  family,
  formatHost,
  inetContainedBy,
  isValidMasklen,
  withMasklen,
} from './values/inet.js';
import { intervalMs } from './values/interval.js';
import { likeMatcher } from './values/like.js';
import { addInterval, datePart, dateTrunc } from './values/timestamp.js';

/**
 * Evaluates a scalar function over constant arguments, with PostgreSQL's semantics: what the
 * executor does per row, done once at planning time (now() - interval '5 min', 1 + 2, …).
 */
export function evaluate(fn: ScalarFn, args: readonly IrConst[], type: SqlType): IrValue {
  const v = args.map((a) => a.value);
  switch (fn) {
    case 'and':
      return v.some((x) => x === false) ? false : v.some((x) => x === null) ? null : true;
    case 'or':
      return v.some((x) => x === true) ? true : v.some((x) => x === null) ? null : false;
    case 'not':
      return v[0] === null ? null : !v[0];
    case 'is_null':
      return v[0] === null;
    case 'is_not_null':
      return v[0] !== null;
    case 'coalesce':
      return v.find((x) => x !== null) ?? null;
    case 'nullif':
      return v[0] !== null && v[1] !== null && compare(args[0]!, args[1]!) === 0 ? null : v[0]!;
    case 'greatest':
    case 'least': {
      let best: IrConst | undefined;
      for (const a of args) {
        if (a.value === null) continue;
        const c = best === undefined ? 0 : compare(a, best);
        if (best === undefined || (fn === 'greatest' ? c > 0 : c < 0)) best = a;
      }
      return best?.value ?? null;
    }
    case 'case': {
      for (let i = 0; i + 1 < args.length; i += 2) if (v[i] === true) return v[i + 1]!;
      return v[v.length - 1]!;
    }
    case 'in': {
      if (v[0] === null) return null;
      let sawNull = false;
      for (let i = 1; i < args.length; i++) {
        if (v[i] === null) sawNull = true;
        else if (compare(args[0]!, args[i]!) === 0) return true;
      }
      return sawNull ? null : false;
    }
    default:
      if (v.some((x) => x === null)) return null;
      return strict(fn, args, type);
  }
}

/** Functions that return NULL on any NULL argument; here every argument is non-NULL. */
function strict(fn: ScalarFn, args: readonly IrConst[], type: SqlType): IrValue {
  const v = args.map((a) => a.value);
  switch (fn) {
    case 'eq':
      return compare(args[0]!, args[1]!) === 0;
    case 'ne':
      return compare(args[0]!, args[1]!) !== 0;
    case 'lt':
      return compare(args[0]!, args[1]!) < 0;
    case 'le':
      return compare(args[0]!, args[1]!) <= 0;
    case 'gt':
      return compare(args[0]!, args[1]!) > 0;
    case 'ge':
      return compare(args[0]!, args[1]!) >= 0;
    case 'like':
    case 'ilike':
      return likeMatcher(v[1] as string, fn === 'ilike')(v[0] as string);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
    case 'neg':
      return arithmetic(fn, args, type);
    case 'contained_by':
      return inetContainedBy(v[0] as CidrValue, v[1] as CidrValue, false);
    case 'contained_by_or_eq':
      return inetContainedBy(v[0] as CidrValue, v[1] as CidrValue, true);
    case 'contains':
      return inetContainedBy(v[1] as CidrValue, v[0] as CidrValue, false);
    case 'contains_or_eq':
      return inetContainedBy(v[1] as CidrValue, v[0] as CidrValue, true);
    case 'date_trunc': {
      const unit = (v[0] as string).toLowerCase();
      const result = dateTrunc(unit, v[1] as number);
      if (result === undefined) throw unitNotRecognized(unit);
      return result;
    }
    case 'time_bucket': {
      const width = intervalMs(v[0] as IntervalValue);
      if (!(width > 0)) throw new QueryError(SqlState.invalidParameterValue, 'period must be greater than 0');
      return Math.floor((v[1] as number) / width) * width;
    }
    case 'date_part': {
      const field = (v[0] as string).toLowerCase();
      const result = datePart(field, v[1] as number);
      if (result === undefined) throw unitNotRecognized(field);
      return result;
    }
    case 'host':
      return formatHost(v[0] as CidrValue);
    case 'masklen':
      return (v[0] as CidrValue).bits;
    case 'family':
      return family(v[0] as CidrValue);
    case 'set_masklen': {
      const addr = v[0] as CidrValue;
      const bits = v[1] as number;
      if (!isValidMasklen(addr, bits)) {
        throw new QueryError(SqlState.invalidParameterValue, `invalid mask length: ${bits}`);
      }
      return withMasklen(addr, bits, type === 'cidr');
    }
    case 'network': {
      const addr = v[0] as CidrValue;
      return withMasklen(addr, addr.bits, true);
    }
    case 'lower':
      return (v[0] as string).toLowerCase();
    case 'upper':
      return (v[0] as string).toUpperCase();
    case 'length':
      return [...(v[0] as string)].length;
    case 'concat':
      return (v[0] as string) + (v[1] as string);
    case 'abs': {
      const r = Math.abs(v[0] as number);
      const bounds = integerBounds[type];
      if (bounds !== undefined && r > bounds[1]) {
        throw new QueryError(SqlState.numericValueOutOfRange, `${typeDisplayName[type]} out of range`);
      }
      return r;
    }
    case 'round':
      return type === 'float8' ? roundHalfEven(v[0] as number) : roundHalfAway(v[0] as number);
    case 'floor':
      return Math.floor(v[0] as number);
    case 'ceil':
      return Math.ceil(v[0] as number);
    case 'cast':
      return castValue(v[0]!, args[0]!.type, type);
    default:
      throw new QueryError(SqlState.internalError, `cannot fold ${fn}`);
  }
}

function unitNotRecognized(unit: string): QueryError {
  return new QueryError(
    SqlState.invalidParameterValue,
    `unit "${unit}" not recognized for type timestamp with time zone`,
  );
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** PostgreSQL's ordering of two non-NULL values of comparable types. */
export function compare(a: IrConst, b: IrConst): number {
  const x = a.value;
  const y = b.value;
  if (typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    if ('bytes' in x && 'bytes' in y) return compareInet(x, y);
    if ('months' in x && 'months' in y) return Math.sign(intervalSpan(x) - intervalSpan(y));
  }
  throw new QueryError(SqlState.internalError, `cannot compare ${a.type} with ${b.type}`);
}

/** PostgreSQL compares intervals as if a month were 30 days. */
function intervalSpan(v: IntervalValue): number {
  return (v.months * 30 + v.days) * 86_400_000 + v.ms;
}

function arithmetic(fn: ScalarFn, args: readonly IrConst[], type: SqlType): IrValue {
  const [a, b] = args as [IrConst, IrConst | undefined];
  if (a.type === 'timestamptz' || b?.type === 'timestamptz' || type === 'interval') {
    return temporal(fn, a, b);
  }
  const x = a.value as number;
  const y = b?.value as number;
  let r: number;
  switch (fn) {
    case 'neg':
      r = -x;
      break;
    case 'add':
      r = x + y;
      break;
    case 'sub':
      r = x - y;
      break;
    case 'mul':
      r = x * y;
      break;
    case 'div':
      if (y === 0) throw new QueryError(SqlState.divisionByZero, 'division by zero');
      r = isInteger(type) ? Math.trunc(x / y) : x / y;
      break;
    default:
      if (y === 0) throw new QueryError(SqlState.divisionByZero, 'division by zero');
      r = x % y;
  }
  const bounds = integerBounds[type];
  if (bounds !== undefined && (r < bounds[0] || r > bounds[1])) {
    throw new QueryError(SqlState.numericValueOutOfRange, `${typeDisplayName[type]} out of range`);
  }
  return r + 0;
}

function temporal(fn: ScalarFn, a: IrConst, b: IrConst | undefined): IrValue {
  const iv = (c: IrConst) => c.value as IntervalValue;
  if (fn === 'neg') return scaleInterval(iv(a), -1);
  if (a.type === 'timestamptz' && b?.type === 'timestamptz') {
    const diff = (a.value as number) - (b.value as number);
    const days = Math.trunc(diff / 86_400_000);
    return { months: 0, days, ms: diff - days * 86_400_000 };
  }
  if (a.type === 'timestamptz') return addInterval(a.value as number, iv(b!), fn === 'sub' ? -1 : 1);
  if (b?.type === 'timestamptz') return addInterval(b.value as number, iv(a), 1);
  if (a.type === 'interval' && b?.type === 'interval') {
    const s = fn === 'sub' ? -1 : 1;
    const x = iv(a);
    const y = iv(b);
    return { months: x.months + s * y.months, days: x.days + s * y.days, ms: x.ms + s * y.ms };
  }
  if (a.type === 'interval') {
    const factor = b!.value as number;
    if (fn === 'div' && factor === 0) throw new QueryError(SqlState.divisionByZero, 'division by zero');
    return scaleInterval(iv(a), fn === 'div' ? 1 / factor : factor);
  }
  return scaleInterval(iv(b!), a.value as number);
}

/** interval × factor, fractions of months spilling into days and of days into time, as PostgreSQL does. */
function scaleInterval(v: IntervalValue, factor: number): IntervalValue {
  const months = v.months * factor;
  const wholeMonths = Math.trunc(months);
  const days = v.days * factor + (months - wholeMonths) * 30;
  const wholeDays = Math.trunc(days);
  const ms = v.ms * factor + (days - wholeDays) * 86_400_000;
  return { months: wholeMonths + 0, days: wholeDays + 0, ms: ms + 0 };
}
