import { unpackMarks } from './bitpack.js';
import type { ByteReader } from './byte-io.js';
import { decodeIndexInts, readWords } from './int-decode.js';
import { BITS, INT_FOR, MONOTONE, SHUFFLED, widthBits } from './int-format.js';
import { markIndexes } from './used-entries.js';

/**
 * Marks in `marks` the entries an integer block of n dictionary indexes uses, and returns the
 * largest index (0 for none) for the caller to check. The writer's form of unsorted address
 * indexes (bit-packed FOR) marks straight from the packed words; other forms decode into
 * `scratch` (at least n long) first.
 */
export function markIndexInts(r: ByteReader, n: number, marks: Uint8Array, scratch: Uint32Array): number {
  const kind = r.bytes[r.pos];
  const width = r.bytes[r.pos + 1] ?? 0;
  if (kind === INT_FOR && (width & (BITS | MONOTONE | SHUFFLED)) === BITS) {
    r.pos += 2;
    r.align(8);
    const base = r.f64();
    const bits = widthBits(width);
    return unpackMarks(bits, readWords(r, n, bits), n, marks, base);
  }
  const indexes = scratch.subarray(0, n);
  decodeIndexInts(r, indexes);
  return markIndexes(indexes, marks);
}
