import { join } from 'node:path';
import type { TableSchema } from './schema.js';
import { Table, type TableDeps, type TableOptions } from './table.js';

export type { StringMatch } from './chunk-builder.js';
export type { TableChunk, TableColumn, TableColumnKind, TableRows, TableSchema } from './schema.js';
export { type ScanChunk, type ScanRequest, Table, type TableStats } from './table.js';

/** Where a table's hour files live: DATA/tables/<table>/. */
export function tableDir(dataDir: string, name: string): string {
  return join(dataDir, 'tables', name);
}

/** A table of the data directory, opened (files listed, the newest one's tail checked). */
export async function openTable(
  dataDir: string,
  schema: TableSchema,
  deps: TableDeps,
  options: TableOptions = { readOnly: false },
): Promise<Table> {
  const table = new Table(schema, tableDir(dataDir, schema.name), deps, options);
  await table.open();
  return table;
}
