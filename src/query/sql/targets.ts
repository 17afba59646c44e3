import { SqlState } from '../errors.js';
import { integerConst, location, names, nodeBody, nodeType } from './ast.js';
import { settle } from './coerce.js';
import type { ExprContext } from './context.js';
import { analyzeExpr } from './expr.js';
import { type Ir, sameIr, walkIr } from './ir.js';
import { outputName } from './names.js';

/** The select list, and how GROUP BY and ORDER BY items refer to it (positions, output names). */

export interface Target {
  readonly name: string;
  /** Per-row IR, aggregates as agg refs. */
  readonly expr: Ir;
  readonly loc: number;
}

export function analyzeTargets(list: unknown, cx: ExprContext): Target[] {
  const targets: Target[] = [];
  for (const item of (list as unknown[]) ?? []) {
    const rt = nodeBody(item);
    const val = rt.val;
    const loc = location(item);
    if (nodeType(val) === 'ColumnRef') {
      const parts = names(nodeBody(val).fields);
      if (parts[parts.length - 1] === '*') {
        targets.push(...star(parts.slice(0, -1), cx, loc));
        continue;
      }
    }
    const expr = settle(analyzeExpr(val, cx), cx);
    targets.push({ name: (rt.name as string | undefined) ?? outputName(val), expr, loc });
  }
  return targets;
}

function star(qualifiers: string[], cx: ExprContext, loc: number): Target[] {
  if (cx.scope.table === undefined) {
    throw cx.site.at(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', loc);
  }
  if (qualifiers.length > 0) cx.scope.qualified(qualifiers, cx.scope.table.columns[0]!.name, loc);
  return cx.scope.all(loc).map((c) => ({ name: c.name, expr: c, loc }));
}

/** GROUP BY item: a position, an input column, an output name, or an expression. */
export function groupItem(node: unknown, targets: readonly Target[], cx: ExprContext): Ir {
  const position = integerConst(node);
  if (position !== undefined) return byPosition(position, 'GROUP BY', node, targets, cx);
  nonIntegerConstant(node, 'GROUP BY', cx);
  const name = simpleName(node);
  // PostgreSQL prefers an input column to an output name in GROUP BY.
  if (name !== undefined && !cx.scope.has(name)) {
    const named = byName(name, 'GROUP BY', node, targets, cx);
    if (named !== undefined) return named;
  }
  return settle(analyzeExpr(node, cx), cx);
}

/** ORDER BY item: a position, an output name, or an expression (which may add aggregates). */
export function orderItem(node: unknown, targets: readonly Target[], cx: ExprContext): Ir {
  const position = integerConst(node);
  if (position !== undefined) return byPosition(position, 'ORDER BY', node, targets, cx);
  nonIntegerConstant(node, 'ORDER BY', cx);
  const name = simpleName(node);
  if (name !== undefined) {
    const named = byName(name, 'ORDER BY', node, targets, cx);
    if (named !== undefined) return named;
  }
  return settle(analyzeExpr(node, cx), cx);
}

/** ORDER BY 'x' / GROUP BY 1.5: PostgreSQL refuses constants that are not positions. */
function nonIntegerConstant(node: unknown, clause: string, cx: ExprContext): void {
  if (nodeType(node) === 'A_Const' && nodeBody(node).isnull !== true) {
    throw cx.site.at(SqlState.syntaxError, `non-integer constant in ${clause}`, location(node));
  }
}

function simpleName(node: unknown): string | undefined {
  if (nodeType(node) !== 'ColumnRef') return undefined;
  const parts = names(nodeBody(node).fields);
  return parts.length === 1 && parts[0] !== '*' ? parts[0] : undefined;
}

function byPosition(
  n: number,
  clause: string,
  node: unknown,
  targets: readonly Target[],
  cx: ExprContext,
): Ir {
  const target = targets[n - 1];
  if (target === undefined) {
    throw cx.site.at(
      SqlState.invalidColumnReference,
      `${clause} position ${n} is not in select list`,
      location(node),
    );
  }
  if (clause === 'GROUP BY') noAggregates(target.expr, cx);
  return target.expr;
}

function byName(
  name: string,
  clause: string,
  node: unknown,
  targets: readonly Target[],
  cx: ExprContext,
): Ir | undefined {
  const matches = targets.filter((t) => t.name === name);
  if (matches.length === 0) return undefined;
  if (matches.some((m) => !sameIr(m.expr, matches[0]!.expr))) {
    throw cx.site.at(SqlState.ambiguousColumn, `${clause} "${name}" is ambiguous`, location(node));
  }
  if (clause === 'GROUP BY') noAggregates(matches[0]!.expr, cx);
  return matches[0]!.expr;
}

function noAggregates(e: Ir, cx: ExprContext): void {
  for (const n of walkIr(e)) {
    if (n.kind === 'agg') {
      throw cx.site.at(SqlState.groupingError, 'aggregate functions are not allowed in GROUP BY', n.loc);
    }
  }
}
