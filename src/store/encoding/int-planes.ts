import type { NumberArray } from '../../flow/batch.js';

/**
 * Byte-plane payloads (see SHUFFLED in int-format.ts) decoded straight into the output with the
 * frame-of-reference base added in the same pass: no intermediate array, one write per value.
 * One loop per output type and width keeps each loop monomorphic (see int-kernels.ts).
 */

function planes2F64(b: Uint8Array, at: number, out: Float64Array, base: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = base + (b[at + i]! | (b[at + n + i]! << 8));
}
function planes4F64(b: Uint8Array, at: number, out: Float64Array, base: number): void {
  const n = out.length;
  const n2 = 2 * n;
  const n3 = 3 * n;
  for (let i = 0; i < n; i++) {
    const v = (b[at + i]! | (b[at + n + i]! << 8) | (b[at + n2 + i]! << 16) | (b[at + n3 + i]! << 24)) >>> 0;
    out[i] = base + v;
  }
}
function planes2U32(b: Uint8Array, at: number, out: Uint32Array | Uint16Array, base: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = base + (b[at + i]! | (b[at + n + i]! << 8));
}
function planes4U32(b: Uint8Array, at: number, out: Uint32Array, base: number): void {
  const n = out.length;
  const n2 = 2 * n;
  const n3 = 3 * n;
  for (let i = 0; i < n; i++) {
    out[i] =
      base + ((b[at + i]! | (b[at + n + i]! << 8) | (b[at + n2 + i]! << 16) | (b[at + n3 + i]! << 24)) >>> 0);
  }
}

/**
 * Writes `base + value` for the `out.length` values of `width` (2 or 4) bytes stored as byte
 * planes at `bytes[at…]`. Returns false when the output type needs the generic path (u8, or
 * 4-byte values into u16), which the caller then takes.
 */
export function planesInto(
  bytes: Uint8Array,
  at: number,
  width: number,
  out: NumberArray,
  base: number,
): boolean {
  if (out instanceof Float64Array) {
    if (width === 2) planes2F64(bytes, at, out, base);
    else planes4F64(bytes, at, out, base);
    return true;
  }
  if (out instanceof Uint32Array) {
    if (width === 2) planes2U32(bytes, at, out, base);
    else planes4U32(bytes, at, out, base);
    return true;
  }
  if (out instanceof Uint16Array && width === 2) {
    planes2U32(bytes, at, out, base);
    return true;
  }
  return false;
}

function lookupPlanes2F64(b: Uint8Array, at: number, out: Float64Array, dict: Float64Array): number {
  const n = out.length;
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const k = b[at + i]! | (b[at + n + i]! << 8);
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}

/**
 * Dictionary indexes of 2 bytes stored as byte planes, looked up straight into a Float64 output
 * (byte counts and other u64 columns). Returns -1 when the output type needs the generic path,
 * else 1 + the last out-of-range index seen (0: none).
 */
export function lookupPlanesInto(
  bytes: Uint8Array,
  at: number,
  width: number,
  out: NumberArray,
  dict: Float64Array,
): number {
  if (!(out instanceof Float64Array) || width !== 2) return -1;
  return lookupPlanes2F64(bytes, at, out, dict);
}

function undeltaPlanes2F64(b: Uint8Array, at: number, out: Float64Array, first: number): void {
  const n = out.length;
  let acc = first;
  for (let i = 0; i < n; i++) {
    const zz = b[at + i]! | (b[at + n + i]! << 8);
    acc += (zz >>> 1) ^ -(zz & 1);
    out[i] = acc;
  }
}
function undeltaPlanes4F64(b: Uint8Array, at: number, out: Float64Array, first: number): void {
  const n = out.length;
  const n2 = 2 * n;
  const n3 = 3 * n;
  let acc = first;
  for (let i = 0; i < n; i++) {
    const zz = b[at + i]! | (b[at + n + i]! << 8) | (b[at + n2 + i]! << 16) | (b[at + n3 + i]! << 24);
    acc += (zz >>> 1) ^ -(zz & 1);
    out[i] = acc;
  }
}

/**
 * Zigzag deltas of 2 or 4 bytes stored as byte planes, summed straight into a Float64 output
 * (the sorted values of an SDICT dictionary). Returns false for other outputs.
 */
export function undeltaPlanesInto(
  bytes: Uint8Array,
  at: number,
  width: number,
  out: NumberArray,
  first: number,
): boolean {
  if (!(out instanceof Float64Array)) return false;
  if (width === 2) undeltaPlanes2F64(bytes, at, out, first);
  else undeltaPlanes4F64(bytes, at, out, first);
  return true;
}
