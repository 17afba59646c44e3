import { unpackMarks } from './bitpack.js';
import type { ByteReader } from './byte-io.js';
import { bitPackedFor, decodeIndexInts, readWords } from './int-decode.js';
import { markIndexes } from './used-entries.js';

/**
 * Marks in `marks` the entries an integer block of n dictionary indexes uses, and returns the
 * largest index (0 for none) for the caller to check. The writer's form of unsorted address
 * indexes (bit-packed FOR) marks straight from the packed words; other forms decode into
 * `scratch` (at least n long) first.
 */
export function markIndexInts(r: ByteReader, n: number, marks: Uint8Array, scratch: Uint32Array): number {
  const packed = bitPackedFor(r);
  if (packed !== undefined) {
    const bits = packed.bits;
    return unpackMarks(bits, readWords(r, n, bits), n, marks, packed.base);
  }
  const indexes = scratch.subarray(0, n);
  decodeIndexInts(r, indexes);
  return markIndexes(indexes, marks);
}
