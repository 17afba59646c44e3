import type { Expr } from '../plan/plan.js';

/** Static facts about per-row expressions that decide how the kernels compile them. */

const columnSets = new WeakMap<Expr, ReadonlySet<string>>();

/** The stored columns an expression reads. */
export function columnsOf(e: Expr): ReadonlySet<string> {
  let set = columnSets.get(e);
  if (set !== undefined) return set;
  if (e.kind === 'column') set = new Set([e.name]);
  else if (e.kind === 'call') {
    const all = new Set<string>();
    for (const a of e.args) for (const c of columnsOf(a)) all.add(c);
    set = all;
  } else set = new Set();
  columnSets.set(e, set);
  return set;
}

/** True when the expression may be NULL for some row (the front normally folds these away). */
export function nullable(e: Expr): boolean {
  switch (e.kind) {
    case 'const':
      return e.value === null;
    case 'column':
      return false;
    case 'key':
    case 'agg':
      return true;
    case 'call':
      switch (e.fn) {
        case 'is_null':
        case 'is_not_null':
          return false;
        case 'nullif':
          return true;
        case 'coalesce':
          return e.args.every(nullable);
        case 'case':
          return (
            e.args.length % 2 === 0 ||
            e.args.some((a, i) => i % 2 === 1 && nullable(a)) ||
            nullable(e.args[e.args.length - 1]!)
          );
        default:
          return e.args.some(nullable);
      }
  }
}

const throwing = new Set([
  'div',
  'mod',
  'cast',
  'date_trunc',
  'date_part',
  'time_bucket',
  'set_masklen',
  'round',
]);

/** True when evaluating the expression can raise an error (division by zero, a bad cast, …). */
export function mayThrow(e: Expr): boolean {
  return e.kind === 'call' && (throwing.has(e.fn) || e.args.some(mayThrow));
}

/** True when `e` refers to no stored column (a constant once folded; the front folds these). */
export function isConstant(e: Expr): boolean {
  return e.kind === 'const';
}
