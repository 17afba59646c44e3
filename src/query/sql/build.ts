import type { ScalarFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { evaluate } from './fold.js';
import { constant, type Ir, type IrCall, isConst, isNullConst } from './ir.js';
import { isInteger } from './types.js';

/**
 * Builds calls, folding as it goes: a call over constants becomes its value, a strict function
 * of a NULL constant becomes NULL, and AND/OR/CASE/COALESCE drop the arguments that constants
 * decide. Everything the front builds goes through here, so no constant subexpression survives.
 */

/** Functions that are not NULL whenever an argument is NULL. */
const nonStrict: ReadonlySet<ScalarFn> = new Set<ScalarFn>([
  'and',
  'or',
  'is_null',
  'is_not_null',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'case',
  'in',
]);

const negatedComparison: Partial<Record<ScalarFn, ScalarFn>> = {
  eq: 'ne',
  ne: 'eq',
  lt: 'ge',
  ge: 'lt',
  gt: 'le',
  le: 'gt',
};

export function call(fn: ScalarFn, args: readonly Ir[], type: SqlType, loc = -1): Ir {
  if (args.every(isConst)) return constant(type, evaluate(fn, args, type), loc);
  if (!nonStrict.has(fn) && args.some(isNullConst)) return constant(type, null, loc);
  switch (fn) {
    case 'and':
    case 'or':
      return logic(fn, args, loc);
    case 'not': {
      const a = args[0]!;
      if (a.kind === 'call' && a.fn === 'not') return a.args[0]!;
      // NOT (a < b) is a >= b, NULLs included.
      const negated = a.kind === 'call' ? negatedComparison[a.fn] : undefined;
      if (negated !== undefined && a.kind === 'call') return raw(negated, a.args, 'bool', a.loc);
      // De Morgan (it holds in three-valued logic too), so NOT BETWEEN reads as two comparisons.
      if (a.kind === 'call' && (a.fn === 'and' || a.fn === 'or')) {
        const inner = a.args.map((x) => call('not', [x], 'bool', x.loc));
        return call(a.fn === 'and' ? 'or' : 'and', inner, 'bool', loc);
      }
      break;
    }
    case 'is_null':
    case 'is_not_null':
      if (!mayBeNull(args[0]!)) return constant('bool', fn === 'is_not_null', loc);
      break;
    case 'coalesce': {
      const kept: Ir[] = [];
      for (const a of args) {
        if (isNullConst(a)) continue;
        kept.push(a);
        if (!mayBeNull(a)) break;
      }
      if (kept.length === 0) return constant(type, null, loc);
      if (kept.length === 1) return retype(kept[0]!, type, loc);
      return raw(fn, kept, type, loc);
    }
    case 'greatest':
    case 'least': {
      const kept = args.filter((a) => !isNullConst(a));
      if (kept.length === 1) return retype(kept[0]!, type, loc);
      return raw(fn, kept, type, loc);
    }
    case 'case':
      return caseCall(args, type, loc);
  }
  return raw(fn, args, type, loc);
}

export function raw(fn: ScalarFn, args: readonly Ir[], type: SqlType, loc: number): IrCall {
  return { kind: 'call', fn, args, type, loc };
}

function logic(fn: 'and' | 'or', args: readonly Ir[], loc: number): Ir {
  const decisive = fn === 'or'; // TRUE decides OR, FALSE decides AND
  const kept: Ir[] = [];
  for (const a of args) {
    if (a.kind === 'const' && a.value === decisive) return constant('bool', decisive, loc);
    if (a.kind === 'const' && a.value === !decisive) continue;
    if (a.kind === 'call' && a.fn === fn) kept.push(...a.args);
    else kept.push(a);
  }
  if (kept.length === 0) return constant('bool', !decisive, loc);
  if (kept.length === 1 && !isNullConst(kept[0]!)) return kept[0]!;
  if (kept.every(isConst)) return constant('bool', null, loc);
  return raw(fn, kept, 'bool', loc);
}

function caseCall(args: readonly Ir[], type: SqlType, loc: number): Ir {
  const kept: Ir[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    const cond = args[i]!;
    if (cond.kind === 'const') {
      if (cond.value === true) {
        if (kept.length === 0) return retype(args[i + 1]!, type, loc);
        kept.push(args[i + 1]!);
        return raw('case', kept, type, loc);
      }
      continue; // FALSE or NULL: the branch is never taken
    }
    kept.push(cond, args[i + 1]!);
  }
  const otherwise = args[args.length - 1]!;
  if (kept.length === 0) return retype(otherwise, type, loc);
  kept.push(otherwise);
  return raw('case', kept, type, loc);
}

/**
 * The argument that a folded CASE/COALESCE/GREATEST/LEAST reduces to, with the call's type:
 * integer arguments meet without casts (coerce.ts), so `CASE WHEN true THEN int2col ELSE
 * 3000000000 END` must still be a bigint, as PostgreSQL types it before folding.
 */
function retype(e: Ir, type: SqlType, loc: number): Ir {
  if (e.type === type || !isInteger(e.type) || !isInteger(type)) return e;
  return e.kind === 'const' ? constant(type, e.value, e.loc) : raw('cast', [e], type, loc);
}

/** Whether an expression can be NULL (stored columns never are). */
export function mayBeNull(e: Ir): boolean {
  switch (e.kind) {
    case 'column':
    case 'key':
      return false;
    case 'const':
      return e.value === null;
    case 'unknown':
      return true;
    case 'agg':
      return e.nullable;
    case 'call':
      switch (e.fn) {
        case 'is_null':
        case 'is_not_null':
          return false;
        case 'coalesce':
        case 'greatest':
        case 'least':
          return e.args.every(mayBeNull);
        case 'nullif':
          return true;
        case 'case':
          return e.args.some((a, i) => (i % 2 === 1 || i === e.args.length - 1) && mayBeNull(a));
        default:
          return e.args.some(mayBeNull);
      }
  }
}
