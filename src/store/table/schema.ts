import type { JobColumns } from '../backend.js';

/**
 * A table of the table store (src/store/table): a name and typed columns, rows appended in time
 * order-ish and read back by time range. `time` is milliseconds since the epoch (a float64, whole
 * milliseconds in practice), `f64` any float64, `string` text kept as dictionary codes.
 */
export type TableColumnKind = 'time' | 'f64' | 'string';

export interface TableColumn {
  readonly name: string;
  readonly kind: TableColumnKind;
}

export interface TableSchema {
  /** Lower-case letters, digits and `_`: it names the table's directory. */
  readonly name: string;
  /** The column that places a row in an hour file and that reads select on. */
  readonly timeColumn: string;
  readonly columns: readonly TableColumn[];
}

/**
 * Rows to append: every column of the schema, `rows` long. Numbers as number arrays or
 * Float64Arrays, text as string arrays.
 */
export interface TableRows {
  readonly rows: number;
  readonly columns: Readonly<Record<string, ArrayLike<number> | readonly string[]>>;
}

/**
 * Rows read back: time and f64 columns as Float64Arrays, string columns as Uint32Array codes into
 * `dicts[column]` (code 0 is ''), the form the query kernels read (JobColumns).
 */
export type TableChunk = JobColumns;

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

/** Throws on a schema a table cannot be made of (a programming error, found at start-up). */
export function checkSchema(schema: TableSchema): void {
  if (!namePattern.test(schema.name))
    throw new Error(`table name "${schema.name}": expected [a-z][a-z0-9_]*`);
  const names = new Set<string>();
  for (const c of schema.columns) {
    if (c.name === '' || names.has(c.name))
      throw new Error(`table ${schema.name}: bad or repeated column "${c.name}"`);
    names.add(c.name);
  }
  const time = schema.columns.find((c) => c.name === schema.timeColumn);
  if (time?.kind !== 'time')
    throw new Error(`table ${schema.name}: time column "${schema.timeColumn}" is not a time column`);
}
