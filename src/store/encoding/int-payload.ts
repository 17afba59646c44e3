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

/** A copy of the payload being rewritten as planes, reused across blocks. */
let copyBuffer = new ArrayBuffer(1 << 16);

/**
 * Rewrites a filled byte payload as byte planes (all low bytes, then the next…): one pass over
 * the values (copied aside first), each split into its bytes (little-endian host, as the format
 * assumes), instead of one strided pass per plane.
 */
export function toPlanes(out: ByteWriter, dst: Uint8Array | Uint16Array | Uint32Array, width: number): void {
  const n = dst.length;
  const at = dst.byteOffset;
  const bytes = out.bytes;
  if (copyBuffer.byteLength < n * width)
    copyBuffer = new ArrayBuffer(Math.max(n * width, copyBuffer.byteLength * 2));
  new Uint8Array(copyBuffer, 0, n * width).set(bytes.subarray(at, at + n * width));
  if (width === 4) {
    const values = new Uint32Array(copyBuffer, 0, n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      bytes[at + i] = v;
      bytes[at + n + i] = v >>> 8;
      bytes[at + 2 * n + i] = v >>> 16;
      bytes[at + 3 * n + i] = v >>> 24;
    }
  } else if (width === 2) {
    const values = new Uint16Array(copyBuffer, 0, n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      bytes[at + i] = v;
      bytes[at + n + i] = v >>> 8;
    }
  } else {
    const copy = new Uint8Array(copyBuffer, 0, n * width);
    for (let k = 0; k < width; k++) {
      const plane = at + k * n;
      for (let i = 0; i < n; i++) bytes[plane + i] = copy[i * width + k]!;
    }
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
