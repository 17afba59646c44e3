import type { ColumnBatch, NumberArray } from '../../flow/batch.js';
import { addrWords } from '../encoding/addr-words.js';

function gatherF64(array: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = array[rows[i]!]!;
  return out;
}
function gatherU32(array: Uint32Array, rows: Uint32Array): Uint32Array {
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = array[rows[i]!]!;
  return out;
}
function gatherU16(array: Uint16Array, rows: Uint32Array): Uint16Array {
  const out = new Uint16Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = array[rows[i]!]!;
  return out;
}
function gatherU8(array: Uint8Array, rows: Uint32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = array[rows[i]!]!;
  return out;
}
function gatherAddr(array: Uint8Array, rows: Uint32Array): Uint8Array {
  const out = new Uint32Array(rows.length * 4);
  const words = addrWords(array);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i]! * 4;
    out[i * 4] = words[o]!;
    out[i * 4 + 1] = words[o + 1]!;
    out[i * 4 + 2] = words[o + 2]!;
    out[i * 4 + 3] = words[o + 3]!;
  }
  return new Uint8Array(out.buffer);
}

/**
 * The columns of one part, copied out of the batch in the part's row order when first asked
 * for. The part's rows are scattered over a large batch; sorting and encoding then read these
 * compact copies in sorted order, which stays in cache, instead of jumping around the batch.
 */
export class PartColumns {
  private readonly copies = new Map<number, NumberArray>();

  constructor(
    private readonly batch: ColumnBatch<string>,
    private readonly rows: Uint32Array,
  ) {}

  get(column: number): NumberArray {
    let copy = this.copies.get(column);
    if (copy === undefined) {
      const array = this.batch.arrays[column]!;
      const rows = this.rows;
      if (this.batch.schema[column]!.type === 'addr') copy = gatherAddr(array as Uint8Array, rows);
      else if (array instanceof Float64Array) copy = gatherF64(array, rows);
      else if (array instanceof Uint32Array) copy = gatherU32(array, rows);
      else if (array instanceof Uint16Array) copy = gatherU16(array, rows);
      else copy = gatherU8(array, rows);
      this.copies.set(column, copy);
    }
    return copy;
  }
}
