import { formatAddr } from '../../flow/addr.js';
import { QueryError, SqlState } from '../errors.js';
import type { CallExpr, CidrValue, Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { castValue, roundHalfAway, roundHalfEven, toText } from './cast.js';
import { checkMasklen, inetWithin, maskInto } from './inet.js';
import { charLength, likeRegExp } from './text-fns.js';
import { datePart, dateTrunc, timeBucket } from './time-fns.js';
import { checkInteger, compareNonNull, equalNonNull, type IValue, isCidr } from './values.js';

/**
 * The interpreter: evaluates an Expr over IValues with PostgreSQL's NULL semantics. Used per group
 * (output, HAVING, ORDER BY of aggregate queries), per dictionary entry (string predicates of the
 * kernels), for the devices table, and as the kernels' fallback for rare per-row forms. Never per
 * row on the hot path.
 */
export interface EvalEnv {
  column(name: string, type: SqlType): IValue;
  key(index: number): IValue;
  agg(index: number): IValue;
}

export function evalExpr(e: Expr, env: EvalEnv): IValue {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'column':
      return env.column(e.name, e.type);
    case 'key':
      return env.key(e.index);
    case 'agg':
      return env.agg(e.index);
    case 'call':
      return evalCall(e, env);
  }
}

function evalCall(e: CallExpr, env: EvalEnv): IValue {
  const args = e.args;
  switch (e.fn) {
    case 'and': {
      let sawNull = false;
      for (const a of args) {
        const v = evalExpr(a, env);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (const a of args) {
        const v = evalExpr(a, env);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'is_null':
      return evalExpr(args[0]!, env) === null;
    case 'is_not_null':
      return evalExpr(args[0]!, env) !== null;
    case 'coalesce':
      for (const a of args) {
        const v = evalExpr(a, env);
        if (v !== null) return v;
      }
      return null;
    case 'case': {
      let i = 0;
      for (; i + 1 < args.length; i += 2) {
        if (evalExpr(args[i]!, env) === true) return evalExpr(args[i + 1]!, env);
      }
      return i < args.length ? evalExpr(args[i]!, env) : null;
    }
    case 'greatest':
    case 'least': {
      let best: IValue = null;
      for (const a of args) {
        const v = evalExpr(a, env);
        if (v === null) continue;
        if (best === null) best = v;
        else {
          const c = compareNonNull(v, best);
          if (e.fn === 'greatest' ? c > 0 : c < 0) best = v;
        }
      }
      return best;
    }
    case 'in': {
      const x = evalExpr(args[0]!, env);
      if (x === null) return null;
      let sawNull = false;
      for (let i = 1; i < args.length; i++) {
        const v = evalExpr(args[i]!, env);
        if (v === null) sawNull = true;
        else if (equalNonNull(x, v)) return true;
      }
      return sawNull ? null : false;
    }
    default:
      break;
  }
  const vals: IValue[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const v = evalExpr(args[i]!, env);
    if (v === null) return null;
    vals[i] = v;
  }
  return strictCall(e, vals);
}

/** The strict functions: any NULL argument gave NULL before this is called. */
export function strictCall(e: CallExpr, v: IValue[]): IValue {
  const a = v[0]!;
  const b = v[1]!;
  const argType = e.args[0]!.type;
  switch (e.fn) {
    case 'not':
      return !a;
    case 'eq':
      return equalNonNull(a, b);
    case 'ne':
      return !equalNonNull(a, b);
    case 'lt':
      return compareNonNull(a, b) < 0;
    case 'le':
      return compareNonNull(a, b) <= 0;
    case 'gt':
      return compareNonNull(a, b) > 0;
    case 'ge':
      return compareNonNull(a, b) >= 0;
    case 'like':
    case 'ilike':
      return likeRegExp(b as string, e.fn === 'ilike').test(a as string);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
      return checkInteger(arithmetic(e.fn, a as number | bigint, b as number | bigint, e.type), e.type);
    case 'neg':
      return checkInteger(typeof a === 'bigint' ? -a : -(a as number), e.type);
    case 'abs':
      return checkInteger(typeof a === 'bigint' ? (a < 0n ? -a : a) : Math.abs(a as number), e.type);
    case 'round':
      return roundTo(Number(a), v.length > 1 ? Number(b) : 0, argType);
    case 'floor':
      return typeof a === 'bigint' ? a : Math.floor(a as number);
    case 'ceil':
      return typeof a === 'bigint' ? a : Math.ceil(a as number);
    case 'contained_by':
    case 'contained_by_or_eq':
      return within(a as CidrValue, b as CidrValue, e.fn === 'contained_by');
    case 'contains':
    case 'contains_or_eq':
      return within(b as CidrValue, a as CidrValue, e.fn === 'contains');
    case 'date_trunc':
      return dateTrunc(String(a).toLowerCase(), b as number);
    case 'time_bucket':
      return timeBucket(a as number, b as number);
    case 'date_part':
      return datePart(String(a).toLowerCase(), b as number);
    case 'host':
      return formatAddr((a as CidrValue).bytes, 0);
    case 'masklen':
      return (a as CidrValue).bits;
    case 'family':
      return (a as CidrValue).v4 ? 4 : 6;
    case 'set_masklen': {
      const c = a as CidrValue;
      return { bytes: c.bytes, bits: checkMasklen(c.bytes, 0, Number(b)), v4: c.v4 };
    }
    case 'network': {
      const c = a as CidrValue;
      return { bytes: maskInto(new Uint8Array(16), c.bytes, 0, c.bits), bits: c.bits, v4: c.v4 };
    }
    case 'lower':
      return (a as string).toLowerCase();
    case 'upper':
      return (a as string).toUpperCase();
    case 'length':
      return charLength(a as string);
    case 'concat':
      return v.map((x, i) => (typeof x === 'string' ? x : toText(x, e.args[i]!.type))).join('');
    case 'nullif':
      return equalNonNull(a, b) ? null : a;
    case 'cast':
      return castValue(a, argType, e.type);
    default:
      throw new QueryError(SqlState.featureNotSupported, `function ${e.fn} is not supported here`);
  }
}

function within(a: CidrValue, b: CidrValue, strict: boolean): boolean {
  if (!isCidr(a) || !isCidr(b)) return false;
  return inetWithin(a.bytes, 0, a.bits, b.bytes, 0, b.bits, strict);
}

const integerTypes = new Set<SqlType>(['int2', 'int4', 'int8']);

export function arithmetic(
  fn: 'add' | 'sub' | 'mul' | 'div' | 'mod',
  a: number | bigint,
  b: number | bigint,
  type: SqlType,
): number | bigint {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const whole = (x: number | bigint) => typeof x === 'bigint' || Number.isInteger(x);
    if (whole(a) && whole(b) && fn !== 'div') {
      const x = BigInt(a);
      const y = BigInt(b);
      if (fn === 'mod' && y === 0n) throw divisionByZero();
      return fn === 'add' ? x + y : fn === 'sub' ? x - y : fn === 'mul' ? x * y : x % y;
    }
    a = Number(a);
    b = Number(b);
  }
  switch (fn) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      if (b === 0) throw divisionByZero();
      return integerTypes.has(type) ? Math.trunc(a / b) : a / b;
    case 'mod':
      if (b === 0) throw divisionByZero();
      return a % b;
  }
}

export function divisionByZero(): QueryError {
  return new QueryError(SqlState.divisionByZero, 'division by zero');
}

function roundTo(x: number, digits: number, type: SqlType): number {
  if (digits === 0) return type === 'float8' ? roundHalfEven(x) : roundHalfAway(x);
  const f = 10 ** digits;
  return roundHalfAway(x * f) / f;
}
