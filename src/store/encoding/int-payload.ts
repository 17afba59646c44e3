import { packBits, packedWords } from './bitpack.js';
import type { ByteWriter } from './byte-io.js';

/** Reserves an aligned payload of n values of `width` bytes and returns a view to fill. */
export function bytePayload(
  out: ByteWriter,
  n: number,
  width: 1 | 2 | 4,
): Uint8Array | Uint16Array | Uint32Array {
  const at = out.reserve(n * width);
  const buf = out.bytes.buffer;
  return width === 1
    ? new Uint8Array(buf, at, n)
    : width === 2
      ? new Uint16Array(buf, at, n)
      : new Uint32Array(buf, at, n);
}

/** Rewrites a filled byte payload as byte planes (all low bytes, then the next…). */
export function toPlanes(out: ByteWriter, dst: Uint8Array | Uint16Array | Uint32Array, width: number): void {
  const n = dst.length;
  const at = dst.byteOffset;
  const copy = out.bytes.slice(at, at + n * width);
  const bytes = out.bytes;
  for (let k = 0; k < width; k++) {
    const plane = at + k * n;
    for (let i = 0; i < n; i++) bytes[plane + i] = copy[i * width + k]!;
  }
}

/**
 * Writes values[0..n) bit-packed (after padding to 4) and returns where the words start: the
 * block's tail, which the writer may store uncompressed (see BlockCompressor.compressSplit).
 */
export function bitPayload(out: ByteWriter, values: Uint32Array, n: number, bits: number): number {
  out.align(4);
  const count = packedWords(n, bits);
  const at = out.reserve(count * 4);
  packBits(values, n, bits, new Uint32Array(out.bytes.buffer, at, count));
  return at;
}
