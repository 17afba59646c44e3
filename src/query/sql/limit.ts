import { SqlState } from '../errors.js';
import { location } from './ast.js';
import { relocate, tryCoerce } from './coerce.js';
import type { ExprContext } from './context.js';
import { typeDisplayName } from './errors.js';
import { analyzeExpr } from './expr.js';
import type { Ir, IrColumn } from './ir.js';

/** LIMIT / OFFSET / FETCH FIRST: constant expressions (parameters included); NULL means none. */
export function limitValue(node: unknown, clause: 'LIMIT' | 'OFFSET', cx: ExprContext): number | undefined {
  if (node === undefined) return undefined;
  const loc = location(node);
  const e = analyzeExpr(node, cx);
  const n = tryCoerceLimit(e, cx, loc);
  if (n.kind !== 'const') {
    const column = firstColumn(e);
    if (column !== undefined) {
      throw cx.site.at(
        SqlState.invalidColumnReference,
        `argument of ${clause} must not contain variables`,
        column.loc,
      );
    }
    throw cx.site.at(SqlState.featureNotSupported, `argument of ${clause} must be a constant`, loc);
  }
  if (n.value === null) return undefined;
  const value = n.value as number;
  if (value < 0) {
    const code =
      clause === 'LIMIT'
        ? SqlState.invalidRowCountInLimitClause
        : SqlState.invalidRowCountInResultOffsetClause;
    throw cx.site.at(code, `${clause} must not be negative`, loc);
  }
  return value;
}

/** The first column reference in an expression (PostgreSQL points its 42P10 there). */
function firstColumn(e: Ir): IrColumn | undefined {
  if (e.kind === 'column') return e;
  if (e.kind !== 'call') return undefined;
  for (const arg of e.args) {
    const found = firstColumn(arg);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tryCoerceLimit(e: ReturnType<typeof analyzeExpr>, cx: ExprContext, loc: number) {
  try {
    const n = tryCoerce(e, 'int8', cx) ?? (e.type === 'numeric' || e.type === 'float8' ? e : undefined);
    if (n === undefined) {
      throw cx.site.at(
        SqlState.datatypeMismatch,
        `argument of LIMIT must be type bigint, not type ${typeDisplayName[e.type]}`,
        loc,
      );
    }
    return n.kind === 'const' && typeof n.value === 'number' ? { ...n, value: Math.round(n.value) } : n;
  } catch (err) {
    throw relocate(err, cx, loc);
  }
}
