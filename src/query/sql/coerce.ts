import { QueryError, SqlState } from '../errors.js';
import type { SqlType } from '../sql-types.js';
import { call } from './build.js';
import type { ExprContext } from './context.js';
import { typeDisplayName } from './errors.js';
import { constant, type Ir, type IrConst, type IrUnknown } from './ir.js';
import { explicitlyCastable, implicitlyCastable, isInteger, isNumber, widerNumber } from './types.js';
import { parseTextAs, type TextInputOptions } from './values/literal.js';

/** Turning untyped literals and parameters into typed constants, and the casts between types. */

export function resolveUnknown(
  e: IrUnknown,
  type: SqlType,
  cx: ExprContext,
  input: Partial<TextInputOptions> = {},
): IrConst {
  const target = type === 'unknown' ? 'text' : type;
  if (e.param > 0) return cx.params.resolve(e.param, target, e.loc);
  if (e.text === null) return constant(target, null, e.loc);
  try {
    return constant(target, parseTextAs(e.text, target, { now: cx.now, ...input }), e.loc);
  } catch (err) {
    throw relocate(err, cx, e.loc);
  }
}

/** A QueryError raised without a position, now pointing at `loc`. */
export function relocate(err: unknown, cx: ExprContext, loc: number): unknown {
  if (!(err instanceof QueryError) || err.position !== undefined) return err;
  return cx.site.at(err.code, err.message, loc);
}

/** Resolves a leftover unknown as text (what PostgreSQL does in a select list). */
export function settle(e: Ir, cx: ExprContext): Ir {
  return e.kind === 'unknown' ? resolveUnknown(e, 'text', cx) : e;
}

/**
 * Converts `e` to `type` where PostgreSQL would do so silently: unknowns take the type, numbers
 * widen (integers among themselves need no conversion), cidr becomes inet. Undefined when not
 * possible, so the caller can word the error.
 */
export function tryCoerce(e: Ir, type: SqlType, cx: ExprContext): Ir | undefined {
  if (e.type === type) return e;
  if (e.kind === 'unknown') {
    const c = resolveUnknown(e, type, cx);
    return c.type === type ? c : tryCoerce(c, type, cx);
  }
  if (!implicitlyCastable(e.type, type)) return undefined;
  if (isInteger(e.type) && isInteger(type)) return e.kind === 'const' ? constant(type, e.value, e.loc) : e;
  if (e.kind === 'const' && e.type === 'cidr') return constant(type, e.value, e.loc);
  return call('cast', [e], type, e.loc);
}

/** An explicit cast (CAST(x AS t), x::t). */
export function castTo(
  e: Ir,
  type: SqlType,
  cx: ExprContext,
  loc: number,
  input: Partial<TextInputOptions> = {},
): Ir {
  if (e.kind === 'unknown') return resolveUnknown(e, type, cx, input);
  if (e.type === type) return e;
  if (!explicitlyCastable(e.type, type)) {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      `cannot cast type ${typeDisplayName[e.type]} to ${typeDisplayName[type]}`,
      loc,
    );
  }
  try {
    return call('cast', [e], type, loc);
  } catch (err) {
    throw relocate(err, cx, loc);
  }
}

/** A condition (WHERE, HAVING, AND's operands, …) must be boolean. */
export function requireBool(e: Ir, cx: ExprContext, what: string): Ir {
  if (e.kind === 'unknown') return resolveUnknown(e, 'bool', cx);
  if (e.type !== 'bool') {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      `argument of ${what} must be type boolean, not type ${typeDisplayName[e.type]}`,
      e.loc,
    );
  }
  return e;
}

/**
 * PostgreSQL's select_common_type for CASE, COALESCE, GREATEST, IN lists, UNION-like contexts:
 * unknowns alone are text, numbers take the widest, cidr and inet meet as inet.
 */
export function commonType(items: readonly Ir[], cx: ExprContext, what: string): SqlType {
  let type: SqlType = 'unknown';
  for (const e of items) {
    if (e.type === 'unknown' || e.type === type) continue;
    if (type === 'unknown') type = e.type;
    else if (isNumber(type) && isNumber(e.type)) type = widerNumber(type, e.type);
    else if (implicitlyCastable(e.type, type)) continue;
    else if (implicitlyCastable(type, e.type)) type = e.type;
    else {
      throw cx.site.at(
        SqlState.datatypeMismatch,
        `${what} types ${typeDisplayName[type]} and ${typeDisplayName[e.type]} cannot be matched`,
        e.loc,
      );
    }
  }
  return type === 'unknown' ? 'text' : type;
}

/** Coerces every item to `type` (known to be reachable by commonType). */
export function coerceAll(items: readonly Ir[], type: SqlType, cx: ExprContext): Ir[] {
  return items.map((e) => tryCoerce(e, type, cx) ?? e);
}
