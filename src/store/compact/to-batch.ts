import { allocateColumn, ColumnBatch } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns } from '../backend.js';

/**
 * Turns decoded columns back into a ColumnBatch, the segment writer's input, without copying: the
 * batch adopts the decoded arrays (same types as the batch's own), and string dictionaries are
 * rebuilt in code order so the codes stay valid. Columns missing from `columns` are zero.
 */
export function jobColumnsToBatch(columns: JobColumns, schema: readonly ColumnDef[]): ColumnBatch<string> {
  const batch = new ColumnBatch<string>(schema, 16);
  const rows = columns.rows;
  for (let i = 0; i < schema.length; i++) {
    const col = schema[i]!;
    const width = col.type === 'addr' ? 16 : 1;
    const source = columns.columns[col.name];
    batch.arrays[i] =
      source !== undefined && source.length >= rows * width
        ? source
        : allocateColumn(col.type, Math.max(16, rows));
    batch.touch(i);
    if (col.type !== 'string') continue;
    const dict = batch.dicts[i]!;
    for (const value of columns.dicts[col.name] ?? []) dict.code(value);
  }
  batch.capacity = Math.max(16, rows);
  batch.length = rows;
  return batch;
}

/** Row indexes 0..rows-1: a part that stores a batch's rows in order. */
export function allRows(rows: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = i;
  return out;
}
