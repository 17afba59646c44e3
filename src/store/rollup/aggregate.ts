import { ColumnBatch, type NumberArray } from '../../flow/batch.js';
import { rollupColumns } from '../../flow/schema.js';
import type { JobColumns } from '../backend.js';

/** The rollup dimensions read from the source (every dimension but the bucket time). */
export const rollupDimensions: readonly string[] = rollupColumns
  .filter((c) => c.rollup === 'dimension' && c.name !== 'i_start_time')
  .map((c) => c.name);

/** The measures summed (flow_count counts source rows, or sums them when the source is a rollup). */
export const rollupMeasures: readonly string[] = rollupColumns
  .filter((c) => c.rollup === 'measure')
  .map((c) => c.name);

/**
 * Aggregates rows into rollup rows: one per distinct combination of the dimensions, measures summed,
 * `flow_count` = rows summed (or the source's flow_count summed when it has one), `i_start_time` =
 * `bucket`. Grouping is an open-addressing hash table over row indexes: no allocation per row.
 */
export function aggregateRollup(source: JobColumns, bucket: number): ColumnBatch<string> {
  const rows = source.rows;
  const dims = rollupDimensions
    .map((name) => source.columns[name])
    .filter((a): a is NumberArray => a !== undefined);
  const measureNames = rollupMeasures.filter(
    (name) => name === 'flow_count' || source.columns[name] !== undefined,
  );
  const measures = measureNames.map((name) => source.columns[name]);
  let size = 16;
  while (size < rows * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const representative = new Uint32Array(Math.max(1, rows));
  const sums = measureNames.map(() => new Float64Array(Math.max(1, rows)));
  let groups = 0;
  for (let row = 0; row < rows; row++) {
    let h = 0x811c9dc5;
    for (let d = 0; d < dims.length; d++) h = Math.imul(h ^ dims[d]![row]!, 0x01000193);
    h ^= h >>> 15;
    let slot = h & mask;
    let group = table[slot]!;
    while (group !== -1 && !sameKey(dims, representative[group]!, row)) {
      slot = (slot + 1) & mask;
      group = table[slot]!;
    }
    if (group === -1) {
      group = groups++;
      table[slot] = group;
      representative[group] = row;
    }
    for (let m = 0; m < measures.length; m++) {
      const values = measures[m];
      sums[m]![group]! += values === undefined ? 1 : values[row]!;
    }
  }
  return toRollupBatch(source, bucket, groups, representative, measureNames, sums);
}

function sameKey(dims: readonly NumberArray[], a: number, b: number): boolean {
  for (let d = 0; d < dims.length; d++) if (dims[d]![a] !== dims[d]![b]) return false;
  return true;
}

function toRollupBatch(
  source: JobColumns,
  bucket: number,
  groups: number,
  representative: Uint32Array,
  measureNames: readonly string[],
  sums: readonly Float64Array[],
): ColumnBatch<string> {
  const batch = new ColumnBatch<string>(rollupColumns, groups);
  for (let i = 0; i < rollupColumns.length; i++) {
    const col = rollupColumns[i]!;
    const out = batch.arrays[i]!;
    batch.touch(i);
    if (col.name === 'i_start_time') {
      out.fill(bucket, 0, groups);
      continue;
    }
    const m = measureNames.indexOf(col.name);
    if (m >= 0) {
      out.set(sums[m]!.subarray(0, groups));
      continue;
    }
    const values = source.columns[col.name];
    if (values === undefined) continue;
    for (let g = 0; g < groups; g++) out[g] = values[representative[g]!]!;
    if (col.type === 'string') for (const value of source.dicts[col.name] ?? []) batch.dicts[i]!.code(value);
  }
  batch.length = groups;
  return batch;
}
