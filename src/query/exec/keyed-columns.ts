import type { JobColumns, KeyedColumn } from '../../store/backend.js';
import { columnsOf, nullable } from './expr-analysis.js';
import type { JobSpec } from './job-contract.js';

/**
 * Numeric columns in keyed form (backend.ts `KeyedColumn`): a store may hand a column that is a
 * function of an address (src_as of src_addr, a route's prefix length) over as that function — a
 * table of values and each row's index into it — so that kernels group, filter and hash per index
 * instead of per row. A backend returns the rest as plain rows; kernels take both (compile-kernel.ts
 * generates a variant per set of columns a job holds keyed).
 */

const integerTypes = new Set(['u8', 'u16', 'u32']);

/** The integer columns of a flows spec, which its kernels can take in keyed form. */
export function keyedColumnsOf(spec: JobSpec): readonly string[] {
  if (spec.source !== 'flows' || !spec.aggregate) return [];
  return spec.columns.filter((c) => integerTypes.has(spec.physical[c]!));
}

/** Which of `names` the job holds in keyed form (in the order of `names`). */
export function keyedFormOf(job: JobColumns, names: readonly string[]): readonly string[] {
  const keyed = job.keyed;
  if (keyed === undefined || names.length === 0) return [];
  return names.filter((name) => keyed[name] !== undefined);
}

/** Which of the keyed `names` the job holds with codes (`KeyedColumn.codes`). */
export function codedFormOf(job: JobColumns, names: readonly string[]): readonly string[] {
  return names.filter((name) => job.keyed?.[name]?.codes !== undefined);
}

/** The job with every keyed column expanded into rows (a copy of those columns). */
export function expandKeyed(job: JobColumns): JobColumns {
  const keyed = job.keyed;
  if (keyed === undefined) return job;
  const columns = { ...job.columns };
  for (const [name, column] of Object.entries(keyed)) columns[name] = expandKeyedColumn(column, job.rows);
  return { rows: job.rows, columns, dicts: job.dicts, addressDicts: job.addressDicts };
}

export function expandKeyedColumn(column: KeyedColumn, rows: number): KeyedColumn['table'] {
  const table = column.table;
  const out = new (table.constructor as new (n: number) => KeyedColumn['table'])(rows);
  const indexes = column.indexes;
  const codes = column.codes;
  if (codes === undefined) for (let row = 0; row < rows; row++) out[row] = table[indexes[row]!]!;
  else for (let row = 0; row < rows; row++) out[row] = table[codes[indexes[row]!]!]!;
  return out;
}

/**
 * Rows per table index from which a job groups a keyed column by index: each index's group probed
 * once, then read by index. Below it the first-use branch and the random reads cost more than
 * hashing the value per row. A store's tables hold an entry per distinct address (at 20 M flows
 * ~39 000 entries for ~60 000 rows and ~2 600 AS numbers; 38 % of the rows use an entry first):
 * there `GROUP BY src_as` by index took 20–33 ns a row against 11–18 by value, and by a code per
 * distinct value (each entry coded once, then a row's group read through index and code) 20 ns,
 * 6.5 of them coding the table — so such jobs read the value through the index and hash it.
 * A table the store hands over coded (`KeyedColumn.codes`: its ~2 600 distinct values) is small
 * enough: grouped per code, and with spillable aggregates densely (dense-codegen.ts `codedSource`).
 */
export const ROWS_PER_INDEX = 8;

/**
 * The keyed column of a spec's one group key when the key reads nothing else (`GROUP BY src_as`,
 * `GROUP BY src_as / 1000`) and the job holds it keyed with few enough indexes for its rows: its
 * group is then a function of the row's table index (agg-codegen.ts).
 */
export function indexGroupKey(spec: JobSpec, job: JobColumns, keyed: readonly string[]): string | undefined {
  if (spec.groupBy.length !== 1 || keyed.length === 0) return undefined;
  const key = spec.groupBy[0]!;
  if (nullable(key)) return undefined;
  const cols = columnsOf(key);
  if (cols.size !== 1) return undefined;
  const [column] = cols as ReadonlySet<string>;
  const form = job.keyed?.[column!];
  if (form === undefined || !keyed.includes(column!)) return undefined;
  return form.size * ROWS_PER_INDEX <= job.rows ? column : undefined;
}
