import { SqlState } from '../errors.js';
import type { SqlType } from '../sql-types.js';
import { call, mayBeNull } from './build.js';
import type { ErrorSite } from './errors.js';
import { constant, type Ir } from './ir.js';

/**
 * Per-row expressions reach the executor never NULL (plan.ts). Stored columns are NOT NULL and
 * folding removes NULL constants, so what is left are nullif(), CASE without ELSE, and 3-valued
 * logic over NULL constants. Here they become NULL-free expressions with the same effect:
 *   - a condition (WHERE, FILTER) becomes "is TRUE" (NULL and FALSE both reject the row);
 *   - an aggregate's argument becomes its value plus a filter "is not NULL" (aggregates skip NULLs);
 *   - a value that is never NULL itself but has possibly-NULL parts (`x IS NULL`, `coalesce`,
 *     `CASE WHEN nullif(…) > 1 …`) is rewritten so that no part of it is NULL;
 *   - anywhere else a possibly-NULL per-row value is refused (0A000).
 */

interface Split {
  /** Equal to the expression whenever it is not NULL. */
  readonly value: Ir;
  /** True exactly when the expression is NULL; itself never NULL. */
  readonly isNull: Ir;
}

const FALSE = constant('bool', false);
const not = (e: Ir) => call('not', [e], 'bool', e.loc);
const and = (...args: Ir[]) => call('and', args, 'bool');
const or = (...args: Ir[]) => call('or', args, 'bool');

/** A value of the type to stand where the expression is NULL (never observed). */
function placeholder(type: SqlType): Ir {
  switch (type) {
    case 'bool':
      return constant(type, false);
    case 'text':
      return constant(type, '');
    case 'interval':
      return constant(type, { months: 0, days: 0, ms: 0 });
    case 'inet':
    case 'cidr':
      return constant(type, { bytes: new Uint8Array(16), bits: 0, v4: false });
    default:
      return constant(type, 0);
  }
}

/** Whether the expression or any part of it may be NULL. */
function nullInside(e: Ir): boolean {
  return mayBeNull(e) || (e.kind === 'call' && e.args.some(nullInside));
}

/** Functions that cannot raise an error, so a placeholder argument is harmless. */
const cannotRaise = new Set([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'like',
  'ilike',
  'lower',
  'upper',
  'length',
]);

/** True exactly when the (per-row, boolean) expression is TRUE. */
export function whenTrue(e: Ir): Ir {
  if (!nullInside(e)) return e;
  if (!mayBeNull(e)) return split(e).value;
  if (e.kind === 'const') return constant('bool', e.value === true, e.loc);
  if (e.kind === 'call') {
    switch (e.fn) {
      case 'and':
        return and(...e.args.map(whenTrue));
      case 'or':
        return or(...e.args.map(whenTrue));
      case 'not':
        return whenFalse(e.args[0]!);
      case 'in': {
        const [x, ...items] = e.args;
        const s = split(x!);
        const kept = items.filter((i) => !(i.kind === 'const' && i.value === null));
        if (kept.length === 0) return FALSE;
        return and(not(s.isNull), call('in', [s.value, ...kept], 'bool', e.loc));
      }
    }
  }
  const s = split(e);
  return and(not(s.isNull), s.value);
}

/** True exactly when the (per-row, boolean) expression is FALSE. */
export function whenFalse(e: Ir): Ir {
  if (!nullInside(e)) return not(e);
  if (!mayBeNull(e)) return not(split(e).value);
  if (e.kind === 'const') return constant('bool', e.value === false, e.loc);
  if (e.kind === 'call') {
    switch (e.fn) {
      case 'and':
        return or(...e.args.map(whenFalse));
      case 'or':
        return and(...e.args.map(whenFalse));
      case 'not':
        return whenTrue(e.args[0]!);
      case 'in': {
        const [x, ...items] = e.args;
        if (items.some((i) => i.kind === 'const' && i.value === null)) return FALSE;
        const s = split(x!);
        return and(not(s.isNull), not(call('in', [s.value, ...items], 'bool', e.loc)));
      }
    }
  }
  const s = split(e);
  return and(not(s.isNull), not(s.value));
}

/** Splits a per-row expression into its NULL-free value and its NULL condition. */
export function split(e: Ir): Split {
  if (!nullInside(e)) return { value: e, isNull: FALSE };
  if (e.kind === 'const' || e.kind === 'unknown') {
    return { value: placeholder(e.type === 'unknown' ? 'text' : e.type), isNull: constant('bool', true) };
  }
  if (e.kind !== 'call') throw new Error('per-group expression in a per-row position');
  switch (e.fn) {
    case 'is_null':
      return { value: split(e.args[0]!).isNull, isNull: FALSE };
    case 'is_not_null':
      return { value: not(split(e.args[0]!).isNull), isNull: FALSE };
    case 'and':
    case 'or':
    case 'not':
    case 'in':
      if (!mayBeNull(e)) {
        const args = e.args.map((a) => split(a).value);
        return { value: call(e.fn, args, 'bool', e.loc), isNull: FALSE };
      }
      return { value: whenTrue(e), isNull: and(not(whenTrue(e)), not(whenFalse(e))) };
    case 'nullif': {
      const a = split(e.args[0]!);
      const b = split(e.args[1]!);
      const equal = and(not(b.isNull), call('eq', [a.value, b.value], 'bool', e.loc));
      return { value: a.value, isNull: or(a.isNull, equal) };
    }
    case 'case': {
      const values: Ir[] = [];
      const nulls: Ir[] = [];
      for (let i = 0; i + 1 < e.args.length; i += 2) {
        const cond = whenTrue(e.args[i]!);
        const v = split(e.args[i + 1]!);
        values.push(cond, v.value);
        nulls.push(cond, v.isNull);
      }
      const otherwise = split(e.args[e.args.length - 1]!);
      values.push(otherwise.value);
      nulls.push(otherwise.isNull);
      return { value: call('case', values, e.type, e.loc), isNull: call('case', nulls, 'bool', e.loc) };
    }
    case 'coalesce': {
      const parts = e.args.map(split);
      const values: Ir[] = [];
      for (const p of parts.slice(0, -1)) values.push(not(p.isNull), p.value);
      values.push(parts[parts.length - 1]!.value);
      return { value: call('case', values, e.type, e.loc), isNull: and(...parts.map((p) => p.isNull)) };
    }
    case 'greatest':
    case 'least': {
      // NULLs are ignored; the result is NULL only when every argument is.
      const parts = e.args.map(split);
      let acc = parts[0]!;
      for (const p of parts.slice(1)) {
        const both = call(e.fn, [acc.value, p.value], e.type, e.loc);
        acc = {
          value: call('case', [acc.isNull, p.value, p.isNull, acc.value, both], e.type, e.loc),
          isNull: and(acc.isNull, p.isNull),
        };
      }
      return acc;
    }
    default: {
      const parts = e.args.map(split);
      const isNull = or(...parts.map((p) => p.isNull));
      const value = call(
        e.fn,
        parts.map((p) => p.value),
        e.type,
        e.loc,
      );
      // Where the result is NULL the arguments hold placeholders: 1 / nullif(x, 0) must not divide by zero.
      if (cannotRaise.has(e.fn) || (isNull.kind === 'const' && isNull.value === false))
        return { value, isNull };
      return { value: call('case', [isNull, placeholder(e.type), value], e.type, e.loc), isNull };
    }
  }
}

/** A per-row value that must not be NULL (GROUP BY key, plain select list, ORDER BY). */
export function requireNotNull(e: Ir, site: ErrorSite, what: string): Ir {
  if (!mayBeNull(e)) return split(e).value;
  if (e.kind === 'const' || e.kind === 'unknown') return e; // a NULL constant is fine as a whole
  throw site.at(
    SqlState.featureNotSupported,
    `${what} that may be NULL for some rows is not supported (stored columns are never NULL; use coalesce or a FILTER)`,
    e.loc,
  );
}
