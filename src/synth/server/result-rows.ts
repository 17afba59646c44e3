import type { TableRows } from '../../store/table/index.js';
import type { TestResult, TestType } from '../contract.js';
import { type RowContext, type SynthTable, synthTables } from '../tables.js';

/** A result as the server stores it: the result and what the server adds (tenant, agent, batch, spec). */
export interface ResultItem {
  readonly result: TestResult;
  readonly cx: RowContext;
}

/** The rows of each synth table the items become (tables without items are left out). */
export function rowsByTable(items: readonly ResultItem[]): Map<TestType, TableRows> {
  const byType = new Map<TestType, ResultItem[]>();
  for (const item of items) {
    const list = byType.get(item.result.type);
    if (list === undefined) byType.set(item.result.type, [item]);
    else list.push(item);
  }
  const out = new Map<TestType, TableRows>();
  for (const [type, list] of byType) out.set(type, tableRows(synthTables[type], list));
  return out;
}

function tableRows(table: SynthTable, items: readonly ResultItem[]): TableRows {
  let rows = 0;
  for (const { result } of items) rows += table.rowsOf(result);
  const columns: Record<string, Float64Array | string[]> = {};
  for (const c of table.schema.columns) {
    const values = c.kind === 'string' ? new Array<string>(rows) : new Float64Array(rows);
    let at = 0;
    for (const { result, cx } of items)
      for (let r = 0, n = table.rowsOf(result); r < n; r++)
        (values as (string | number)[])[at++] = table.value(c.name, result, cx, r);
    columns[c.name] = values;
  }
  return { rows, columns };
}

/** The rows of `rows` whose index `keep` says, for each column. */
export function pickRows(rows: TableRows, keep: (row: number) => boolean): TableRows {
  const picked: number[] = [];
  for (let i = 0; i < rows.rows; i++) if (keep(i)) picked.push(i);
  const columns: Record<string, Float64Array | string[]> = {};
  for (const [name, values] of Object.entries(rows.columns)) {
    if (values instanceof Float64Array) columns[name] = Float64Array.from(picked, (i) => values[i]!);
    else columns[name] = picked.map((i) => (values as readonly string[])[i]!);
  }
  return { rows: picked.length, columns };
}
