import type { NumberArray } from '../../flow/batch.js';

/**
 * Compact WAL column encodings (fewer bytes to write and fsync per flow; see ./record.ts):
 *
 *   narrow   numbers (u16, u32, string codes, u64, time, mac) as `base + offset`, the offsets
 *            1, 2 or 4 bytes wide: [f64 base][u32 width][u32 0][offsets, padded to 8]. Used when
 *            every value is an integer in [base, base + 2^32) and the width beats the native one.
 *   addr4    addresses whose first 12 bytes are ::ffff (IPv4-mapped) or :: (zero, IPv4-compatible)
 *            as their last 4 bytes: [u32 long count][u32 0][2-bit kind per row, padded to 8]
 *            [u32 per short row, padded to 8][16 bytes per long row]; kind 0 ::, 1 ::ffff, 2 long.
 *
 * Packing runs two passes over the column and allocates one buffer per column and append.
 */

/** Packs a numeric column, or returns undefined when narrowing does not pay. */
export function packNarrow(array: NumberArray, rows: number): Buffer | undefined {
  const native = array.BYTES_PER_ELEMENT;
  if (native === 1 || rows === 0) return undefined;
  // Monomorphic loops per array type: one generic loop over mixed typed arrays runs ~10× slower.
  const range =
    array instanceof Float64Array
      ? minMaxF64(array, rows)
      : array instanceof Uint32Array
        ? minMaxU32(array, rows)
        : minMaxU16(array as Uint16Array, rows);
  const min = range[0]!;
  const spread = range[1]! - min;
  // range[2]: every value an integer (fractions and NaN do not survive base + offset).
  if (!(spread >= 0) || !Number.isInteger(min) || range[2] !== 1) return undefined;
  const width = spread < 256 ? 1 : spread < 65536 ? 2 : spread < 4294967296 ? 4 : 8;
  if (width >= native) return undefined;
  const out = Buffer.allocUnsafeSlow(16 + align8(rows * width));
  out.writeDoubleLE(min, 0);
  out.writeUInt32LE(width, 8);
  out.writeUInt32LE(0, 12);
  out.fill(0, 16 + rows * width);
  const at = out.byteOffset + 16;
  if (array instanceof Float64Array) {
    if (width === 1) narrowF64To8(array, new Uint8Array(out.buffer, at, rows), min);
    else if (width === 2) narrowF64To16(array, new Uint16Array(out.buffer, at, rows), min);
    else narrowF64To32(array, new Uint32Array(out.buffer, at, rows), min);
    return out;
  }
  if (array instanceof Uint32Array) {
    if (width === 1) narrowU32To8(array, new Uint8Array(out.buffer, at, rows), min);
    else narrowU32To16(array, new Uint16Array(out.buffer, at, rows), min);
    return out;
  }
  narrowU16To8(array as Uint16Array, new Uint8Array(out.buffer, at, rows), min);
  return out;
}

/** [min, max, 1 if every value is an integer]. */
const minMax = new Float64Array(3);

/** Min, max and whether all values are integers, in one pass (NaN counts as not an integer). */
function minMaxF64(a: Float64Array, rows: number): Float64Array {
  let min = a[0]!;
  let max = min;
  let integral = true;
  for (let i = 0; i < rows; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
  }
  minMax[0] = min;
  minMax[1] = max;
  minMax[2] = integral ? 1 : 0;
  return minMax;
}

function minMaxU32(a: Uint32Array, rows: number): Float64Array {
  let min = a[0]!;
  let max = min;
  for (let i = 1; i < rows; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  minMax[0] = min;
  minMax[1] = max;
  minMax[2] = 1;
  return minMax;
}

function minMaxU16(a: Uint16Array, rows: number): Float64Array {
  let min = a[0]!;
  let max = min;
  for (let i = 1; i < rows; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  minMax[0] = min;
  minMax[1] = max;
  minMax[2] = 1;
  return minMax;
}

function narrowF64To8(a: Float64Array, dst: Uint8Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

function narrowF64To16(a: Float64Array, dst: Uint16Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

function narrowF64To32(a: Float64Array, dst: Uint32Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

function narrowU32To8(a: Uint32Array, dst: Uint8Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

function narrowU32To16(a: Uint32Array, dst: Uint16Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

function narrowU16To8(a: Uint16Array, dst: Uint8Array, min: number): void {
  for (let i = 0; i < dst.length; i++) dst[i] = a[i]! - min;
}

/** Unpacks a narrowed column into `out` (rows values of the column's native type). */
export function unpackNarrow(buf: Buffer, offset: number, rows: number, out: NumberArray): void {
  const base = buf.readDoubleLE(offset);
  const width = buf.readUInt32LE(offset + 8);
  const at = buf.byteOffset + offset + 16;
  const src =
    width === 1
      ? new Uint8Array(buf.buffer, at, rows)
      : width === 2
        ? new Uint16Array(buf.buffer, at, rows)
        : new Uint32Array(buf.buffer, at, rows);
  for (let i = 0; i < rows; i++) out[i] = base + src[i]!;
}

/** Scratch for packAddr's single pass: kinds, short rows and long rows before the final layout. */
let kindScratch = new Uint8Array(0);
let shortScratch = new Uint32Array(0);
let longScratch = new Uint32Array(0);

/**
 * Packs an address column (16 bytes a row, 4-byte aligned), or undefined when it does not pay.
 * One pass sorts rows into reused scratch arrays (kinds four to a byte, built in a register),
 * then the record's layout is three copies: cheaper than counting first and packing in place.
 */
export function packAddr(array: Uint8Array, rows: number): Buffer | undefined {
  if (array.byteOffset % 4 !== 0 || rows === 0) return undefined;
  const words = new Uint32Array(array.buffer, array.byteOffset, rows * 4);
  const kindCount = Math.ceil(rows / 4);
  if (shortScratch.length < rows) {
    kindScratch = new Uint8Array(Math.ceil((rows * 2) / 4));
    shortScratch = new Uint32Array(rows * 2);
    longScratch = new Uint32Array(rows * 8);
  }
  const kinds = kindScratch;
  const shorts = shortScratch;
  const longs = longScratch;
  let s = 0;
  let l = 0;
  for (let q = 0; q < kindCount; q++) {
    let acc = 0;
    const first = q * 4;
    const end = Math.min(rows, first + 4);
    for (let r = first; r < end; r++) {
      const w = r * 4;
      const w0 = words[w]!;
      const w1 = words[w + 1]!;
      const w2 = words[w + 2]!;
      if ((w0 | w1) === 0 && (w2 === 0 || w2 === 0xffff0000)) {
        shorts[s++] = words[w + 3]!;
        acc |= (w2 === 0 ? 0 : 1) << ((r - first) * 2);
      } else {
        longs[l] = w0;
        longs[l + 1] = w1;
        longs[l + 2] = w2;
        longs[l + 3] = words[w + 3]!;
        l += 4;
        acc |= 2 << ((r - first) * 2);
      }
    }
    kinds[q] = acc;
  }
  const long = l >>> 2;
  if (long * 2 > rows) return undefined;
  const kindBytes = align8(kindCount);
  const shortBytes = align8(s * 4);
  const out = Buffer.allocUnsafeSlow(8 + kindBytes + shortBytes + long * 16);
  out.writeUInt32LE(long, 0);
  out.writeUInt32LE(0, 4);
  out.set(kinds.subarray(0, kindCount), 8);
  out.fill(0, 8 + kindCount, 8 + kindBytes);
  const shortAt = 8 + kindBytes;
  out.set(new Uint8Array(shorts.buffer, 0, s * 4), shortAt);
  out.fill(0, shortAt + s * 4, shortAt + shortBytes);
  out.set(new Uint8Array(longs.buffer, 0, l * 4), shortAt + shortBytes);
  return out;
}

/** Unpacks an address column into `out` (16 bytes a row, zeroed, 4-byte aligned). */
export function unpackAddr(buf: Buffer, offset: number, rows: number, out: Uint8Array): void {
  const long = buf.readUInt32LE(offset);
  const kindBytes = align8(Math.ceil(rows / 4));
  const shortBytes = align8((rows - long) * 4);
  const base = buf.byteOffset + offset + 8;
  const kinds = new Uint8Array(buf.buffer, base, kindBytes);
  const shorts = new Uint32Array(buf.buffer, base + kindBytes, rows - long);
  const longs = new Uint32Array(buf.buffer, base + kindBytes + shortBytes, long * 4);
  const words = new Uint32Array(out.buffer, out.byteOffset, rows * 4);
  let s = 0;
  let l = 0;
  for (let r = 0; r < rows; r++) {
    const kind = (kinds[r >>> 2]! >>> ((r & 3) * 2)) & 3;
    const w = r * 4;
    if (kind === 2) {
      words[w] = longs[l++]!;
      words[w + 1] = longs[l++]!;
      words[w + 2] = longs[l++]!;
      words[w + 3] = longs[l++]!;
    } else {
      if (kind === 1) words[w + 2] = 0xffff0000;
      words[w + 3] = shorts[s++]!;
    }
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}
