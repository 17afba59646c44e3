import type { ColumnBatch, NumberArray } from '../../flow/batch.js';
import type { RowSource } from './record.js';

/**
 * The columns of a batch worth logging: those its producers `touch()`ed (the ColumnBatch
 * contract), read from the batch's touched flags. Should a batch not expose them, every column is
 * checked for a non-zero cell instead (slower, same result).
 */
export function batchSource(batch: ColumnBatch<string>): RowSource {
  const touched = (batch as unknown as { touched?: Uint8Array }).touched;
  const n = batch.length;
  const arrays: (NumberArray | undefined)[] = new Array(batch.schema.length).fill(undefined);
  const dicts: (readonly string[] | undefined)[] = new Array(batch.schema.length).fill(undefined);
  for (let i = 0; i < batch.schema.length; i++) {
    const array = batch.arrays[i]!;
    const width = batch.schema[i]!.type === 'addr' ? 16 : 1;
    const used = touched instanceof Uint8Array ? touched[i] === 1 : !allZero(array, n * width);
    if (!used) continue;
    arrays[i] = array;
    dicts[i] = batch.dicts[i]?.values;
  }
  return { length: n, arrays, dicts };
}

function allZero(array: NumberArray, cells: number): boolean {
  for (let i = 0; i < cells; i++) if (array[i] !== 0) return false;
  return true;
}
