import { SqlState } from '../errors.js';
import type { ScalarFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { call } from './build.js';
import { relocate, resolveUnknown, tryCoerce } from './coerce.js';
import type { ExprContext } from './context.js';
import { typeDisplayName } from './errors.js';
import { constant, type Ir } from './ir.js';
import { isInet, isInteger, isNumber, widerNumber } from './types.js';

/** Operator resolution: which function an operator is for its operand types, and the result type. */

const comparisons: Readonly<Record<string, ScalarFn>> = {
  '=': 'eq',
  '<>': 'ne',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};

const containment: Readonly<Record<string, ScalarFn>> = {
  '<<': 'contained_by',
  '<<=': 'contained_by_or_eq',
  '>>': 'contains',
  '>>=': 'contains_or_eq',
};

const arithmeticOps: Readonly<Record<string, ScalarFn>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
};

export function isKnownBinaryOperator(op: string): boolean {
  return op in comparisons || op in containment || op in arithmeticOps || op === '||';
}

export function binaryOperator(op: string, l: Ir, r: Ir, loc: number, cx: ExprContext): Ir {
  try {
    const cmp = comparisons[op];
    if (cmp !== undefined) return comparison(cmp, op, l, r, loc, cx);
    const inet = containment[op];
    if (inet !== undefined) return inetOperator(inet, op, l, r, loc, cx);
    const arith = arithmeticOps[op];
    if (arith !== undefined) return arithmetic(arith, op, l, r, loc, cx);
    if (op === '||') return concatenation(l, r, loc, cx);
  } catch (err) {
    throw relocate(err, cx, loc);
  }
  throw noOperator(op, l, r, loc, cx);
}

export function noOperator(op: string, l: Ir | undefined, r: Ir, loc: number, cx: ExprContext) {
  const left = l === undefined ? '' : `${typeDisplayName[l.type]} `;
  return cx.site.at(
    SqlState.datatypeMismatch,
    `operator does not exist: ${left}${op} ${typeDisplayName[r.type]}`,
    loc,
    'No operator matches the given name and argument types.',
  );
}

/** Makes both sides one comparable type; undefined when PostgreSQL has no such operator. */
export function unifyForComparison(l: Ir, r: Ir, cx: ExprContext): [Ir, Ir] | undefined {
  if (l.kind === 'unknown' && r.kind === 'unknown') {
    return [resolveUnknown(l, 'text', cx), resolveUnknown(r, 'text', cx)];
  }
  if (l.kind === 'unknown') l = resolveUnknown(l, r.type, cx);
  if (r.kind === 'unknown') r = resolveUnknown(r, l.type, cx);
  if (l.type === r.type) return [l, r];
  if (isNumber(l.type) && isNumber(r.type)) {
    if (isInteger(l.type) && isInteger(r.type)) return [l, r];
    const integral = (e: Ir) =>
      e.kind === 'const' && typeof e.value === 'number' && Number.isSafeInteger(e.value);
    // An integer column against 15169.0: compare as integers rather than convert every row.
    if (isInteger(l.type) && integral(r))
      return [l, constant('int8', r.kind === 'const' ? r.value : 0, r.loc)];
    if (isInteger(r.type) && integral(l))
      return [constant('int8', l.kind === 'const' ? l.value : 0, l.loc), r];
    const type = widerNumber(l.type, r.type);
    return [tryCoerce(l, type, cx)!, tryCoerce(r, type, cx)!];
  }
  if (isInet(l.type) && isInet(r.type)) return [tryCoerce(l, 'inet', cx)!, tryCoerce(r, 'inet', cx)!];
  return undefined;
}

function comparison(fn: ScalarFn, op: string, l: Ir, r: Ir, loc: number, cx: ExprContext): Ir {
  const pair = unifyForComparison(l, r, cx);
  if (pair === undefined) throw noOperator(op, l, r, loc, cx);
  return call(fn, pair, 'bool', loc);
}

function inetOperator(fn: ScalarFn, op: string, l: Ir, r: Ir, loc: number, cx: ExprContext): Ir {
  const a = tryCoerce(l, 'inet', cx);
  const b = tryCoerce(r, 'inet', cx);
  if (a === undefined || b === undefined || !isInet(l.type === 'unknown' ? 'inet' : l.type)) {
    throw noOperator(op, l, r, loc, cx);
  }
  return call(fn, [a, b], 'bool', loc);
}

function arithmetic(fn: ScalarFn, op: string, l: Ir, r: Ir, loc: number, cx: ExprContext): Ir {
  if (l.kind === 'unknown' && r.kind === 'unknown') throw noOperator(op, l, r, loc, cx);
  if (l.kind === 'unknown') l = resolveUnknown(l, unknownOperandType(fn, r.type, false), cx);
  if (r.kind === 'unknown') r = resolveUnknown(r, unknownOperandType(fn, l.type, true), cx);
  const lt = l.type;
  const rt = r.type;
  if (isNumber(lt) && isNumber(rt)) {
    const type = widerNumber(lt, rt);
    if (fn === 'mod' && type === 'float8') throw noOperator(op, l, r, loc, cx);
    return call(fn, [tryCoerce(l, type, cx)!, tryCoerce(r, type, cx)!], type, loc);
  }
  if (lt === 'timestamptz' && rt === 'interval' && (fn === 'add' || fn === 'sub')) {
    return call(fn, [l, r], 'timestamptz', loc);
  }
  if (lt === 'interval' && rt === 'timestamptz' && fn === 'add') return call(fn, [r, l], 'timestamptz', loc);
  if (lt === 'timestamptz' && rt === 'timestamptz' && fn === 'sub') return call(fn, [l, r], 'interval', loc);
  if (lt === 'interval' && rt === 'interval' && (fn === 'add' || fn === 'sub')) {
    return call(fn, [l, r], 'interval', loc);
  }
  if (lt === 'interval' && isNumber(rt) && (fn === 'mul' || fn === 'div')) {
    return call(fn, [l, tryCoerce(r, 'float8', cx)!], 'interval', loc);
  }
  if (isNumber(lt) && rt === 'interval' && fn === 'mul') {
    return call(fn, [r, tryCoerce(l, 'float8', cx)!], 'interval', loc);
  }
  throw noOperator(op, l, r, loc, cx);
}

/** The type an untyped operand takes next to a typed one (now() + '1 day' reads an interval). */
function unknownOperandType(fn: ScalarFn, other: SqlType, unknownOnRight: boolean): SqlType {
  if (other === 'timestamptz') return fn === 'sub' && unknownOnRight ? 'timestamptz' : 'interval';
  if (other === 'interval') return fn === 'mul' || fn === 'div' ? 'float8' : 'interval';
  return other;
}

/** text || anything (and anything || text): the other side is cast to text. */
function concatenation(l: Ir, r: Ir, loc: number, cx: ExprContext): Ir {
  if (l.kind === 'unknown' && r.kind === 'unknown') {
    l = resolveUnknown(l, 'text', cx);
    r = resolveUnknown(r, 'text', cx);
  }
  if (l.kind === 'unknown') l = resolveUnknown(l, 'text', cx);
  if (r.kind === 'unknown') r = resolveUnknown(r, 'text', cx);
  if (l.type !== 'text' && r.type !== 'text') throw noOperator('||', l, r, loc, cx);
  const text = (e: Ir) => (e.type === 'text' ? e : call('cast', [e], 'text', e.loc));
  return call('concat', [text(l), text(r)], 'text', loc);
}

/** Unary minus and plus. */
export function unaryOperator(op: string, e: Ir, loc: number, cx: ExprContext): Ir {
  if (e.kind === 'unknown' && op === '-') e = resolveUnknown(e, 'numeric', cx);
  if (op === '+' && (isNumber(e.type) || e.type === 'interval')) return e;
  if (op === '-' && (isNumber(e.type) || e.type === 'interval')) {
    try {
      return call('neg', [e], e.type, loc);
    } catch (err) {
      throw relocate(err, cx, loc);
    }
  }
  throw noOperator(op, undefined, e, loc, cx);
}
