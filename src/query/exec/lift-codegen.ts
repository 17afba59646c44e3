import type { Expr } from '../plan/plan.js';
import { columnsOf, mayThrow, nullable } from './expr-analysis.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { TextCode } from './row-codegen.js';

/** A lifted expression's value for this row, when `e` reads exactly one string column. */
export function liftedValue(
  b: KernelBuilder,
  e: Expr,
  row: string,
  kind: 'bool' | 'num',
): string | undefined {
  const column = liftColumn(b, e);
  if (column === undefined) return undefined;
  const vars = b.lift(e, column, kind);
  const code = `${b.column(column)}[${row}]`;
  if (mayThrow(e)) return `rt.lifted(${vars.values}, ${vars.errors}, ${code})`;
  return `${vars.values}[${code}]`;
}

export function liftedText(b: KernelBuilder, e: Expr, row: string): TextCode | undefined {
  const column = liftColumn(b, e);
  if (column === undefined || e.type !== 'text') return undefined;
  const vars = b.lift(e, column, 'text');
  const code = `${b.column(column)}[${row}]`;
  if (mayThrow(e)) return { code: `rt.lifted(${vars.values}, ${vars.errors}, ${code})`, table: vars.table };
  return { code: `${vars.values}[${code}]`, table: vars.table };
}

function liftColumn(b: KernelBuilder, e: Expr): string | undefined {
  if (e.kind !== 'call' || nullable(e)) return undefined;
  if (e.type === 'inet' || e.type === 'cidr') return undefined;
  const cols = columnsOf(e);
  if (cols.size !== 1) return undefined;
  const [column] = cols;
  return b.physical[column!] === 'string' ? column : undefined;
}
