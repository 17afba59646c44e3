import type { NumberArray } from '../../flow/batch.js';
import { type PackedOutput, unpack } from './bitpack.js';
import { type ByteReader, DecodeError } from './byte-io.js';
import { readWords } from './int-decode.js';
import { widthBits } from './int-format.js';

/**
 * PATCHED integer blocks (version 4, bit-packed only): frame of reference with a width that fits
 * all but a few values, and those few patched afterwards ("PFOR").
 *
 *   u8 kind (7), u8 width byte (BITS | bits - 1), pad to 8, f64 base, varint m, nested integer
 *   block of the m patched rows' positions as gaps (as in SPARSE), nested integer block of their
 *   high parts ((value - base) >> bits), then the bit-packed low parts of every row
 *
 * Flow end times span a minute and a few seconds (17 bits of milliseconds) but all but the
 * active-timeout flows fit 16: one bit a row fewer for a few patched rows.
 */
export const INT_PATCHED = 7;

/**
 * Chooses the width: the fewest bits for n values at `bits` plus ~40 bits per patched value,
 * trying up to three bits fewer than `forBits`; the values above each candidate width are
 * counted in one pass.
 */
export function patchedWidth(values: Float64Array, n: number, min: number, forBits: number): number {
  const lowest = Math.max(1, forBits - 3);
  const l1 = min + 2 ** (forBits - 1);
  const l2 = min + 2 ** Math.max(lowest, forBits - 2);
  const l3 = min + 2 ** lowest;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v >= l3) {
      m3++;
      if (v >= l2) {
        m2++;
        if (v >= l1) m1++;
      }
    }
  }
  const above = [m1, m2, m3];
  let best = forBits;
  let bestCost = n * forBits;
  for (let bits = forBits - 1, k = 0; bits >= lowest; bits--, k++) {
    const cost = n * bits + above[k]! * 40 + 64;
    if (cost < bestCost) {
      best = bits;
      bestCost = cost;
    }
  }
  return best;
}

let gaps = new Uint32Array(64);
let highs = new Float64Array(64);

function patchF64(out: Float64Array, g: Uint32Array, h: Float64Array, scale: number): void {
  let pos = -1;
  for (let k = 0; k < g.length; k++) {
    pos += g[k]! + 1;
    out[pos]! += h[k]! * scale;
  }
}
function patchU32(out: Uint32Array, g: Uint32Array, h: Float64Array, scale: number): void {
  let pos = -1;
  for (let k = 0; k < g.length; k++) {
    pos += g[k]! + 1;
    out[pos]! += h[k]! * scale;
  }
}

/** Decodes a PATCHED block after its kind and width bytes into `out`. */
export function decodePatched(
  r: ByteReader,
  width: number,
  out: NumberArray,
  decodeInts: (r: ByteReader, out: NumberArray) => void,
): void {
  const bits = widthBits(width);
  r.align(8);
  const base = r.f64();
  const m = r.varint();
  if (m > out.length) throw new DecodeError(`${m} patches in ${out.length} rows`);
  if (gaps.length < m) {
    gaps = new Uint32Array(Math.max(m, gaps.length * 2));
    highs = new Float64Array(gaps.length);
  }
  const g = gaps.subarray(0, m);
  const h = highs.subarray(0, m);
  decodeInts(r, g);
  decodeInts(r, h);
  let pos = -1;
  for (let k = 0; k < m; k++) pos += g[k]! + 1;
  if (pos >= out.length) throw new DecodeError('patched rows beyond the block');
  unpack('for', bits, readWords(r, out.length, bits), out as PackedOutput, base);
  const scale = 2 ** bits;
  if (out instanceof Float64Array) patchF64(out, g, h, scale);
  else if (out instanceof Uint32Array) patchU32(out, g, h, scale);
  else patchNarrow(out, g, h, scale, out instanceof Uint16Array ? 0xffff : 0xff);
}

/**
 * 16-bit columns (ports, VLANs) get PATCHED blocks too when most values fit 9–15 bits; the
 * writer only patches values of the column, so a sum past the type's range is a damaged block.
 */
function patchNarrow(out: NumberArray, g: Uint32Array, h: Float64Array, scale: number, max: number): void {
  let pos = -1;
  for (let k = 0; k < g.length; k++) {
    pos += g[k]! + 1;
    const v = out[pos]! + h[k]! * scale;
    if (v > max) throw new DecodeError(`patched value ${v} past the column's ${max}`);
    out[pos] = v;
  }
}
