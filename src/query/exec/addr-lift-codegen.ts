import type { Expr } from '../plan/plan.js';
import { columnsOf, nullable } from './expr-analysis.js';
import type { KernelBuilder } from './kernel-builder.js';

interface EntryCodegen {
  bool(e: Expr, row: string): string;
}

/**
 * A condition over a single address column in dictionary form (`src_addr << '10.0.0.0/8'`,
 * `src_addr = '192.0.2.1'`, `src_addr IN (…)`, …) or over a single keyed column (`src_as IN (…)`,
 * keyed-columns.ts; not a plain comparison with a constant, already as cheap as the lookup) as a
 * per-row lookup: decided once for each dictionary entry (table index) a row reaches (lazily, so an entry no row uses costs nothing and an error is
 * raised only where a row would raise it), then read by index. Undefined when `e` is not such a
 * condition. `entryCodegen(column)` generates code over one entry of that column.
 */
export function liftedAddressBool(
  b: KernelBuilder,
  e: Expr,
  row: string,
  entryCodegen: (column: string) => EntryCodegen,
): string | undefined {
  if (e.kind !== 'call' || e.type !== 'bool' || nullable(e)) return undefined;
  const cols = columnsOf(e);
  if (cols.size !== 1) return undefined;
  const [column] = cols as ReadonlySet<string>;
  if (!b.dictColumns.has(column!) && !(b.keyedColumns.has(column!) && !cheapCompare(e))) return undefined;
  const { marks, decide } = b.addressLift(e, column!, () => entryCodegen(column!).bool(e, 'x'));
  const t = b.temp();
  return `((${marks}[${t} = ${b.entrySlot(column!, row)}] || (${marks}[${t}] = ${decide}(${t}) ? 2 : 1)) === 2)`;
}

const comparisons = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** A comparison of a number column with a constant: as cheap per row as a per-entry byte. */
function cheapCompare(e: Expr): boolean {
  return (
    e.kind === 'call' &&
    comparisons.has(e.fn) &&
    e.args.every((a) => a.kind === 'column' || a.kind === 'const')
  );
}
