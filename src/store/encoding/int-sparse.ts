import type { NumberArray } from '../../flow/batch.js';
import { type ByteReader, type ByteWriter, DecodeError } from './byte-io.js';

/**
 * SPARSE integer blocks (version 4): one common value and the rows that differ.
 *
 *   u8 kind (6), pad to 8, f64 common value, varint m, nested integer block of the m rows'
 *   positions as gaps (first position, then each minus the previous minus one), nested integer
 *   block of their m values
 *
 * For columns where one value dominates (ToS 0, a flow of one sampled packet, a duration of 0,
 * TCP): the decoder fills the output natively and writes m values, and zstd (or the unpacker)
 * works on m values instead of n.
 */
export const INT_SPARSE = 6;

/** Rows to look at when guessing whether one value dominates a block. */
const SAMPLE = 512;

/**
 * The dominant value of values[0..n), if a sample says one value holds at least 3/4 of the rows
 * and a full count confirms it; else undefined. Returns it with the number of other rows.
 */
export function dominantValue(
  values: Float64Array,
  n: number,
): { value: number; others: number } | undefined {
  if (n < 64) return undefined;
  const step = Math.max(1, Math.floor(n / SAMPLE));
  // Boyer-Moore majority vote over the sample, then count the candidate in the sample.
  let candidate = values[0]!;
  let votes = 0;
  for (let i = 0; i < n; i += step) {
    const v = values[i]!;
    if (votes === 0) {
      candidate = v;
      votes = 1;
    } else votes += v === candidate ? 1 : -1;
  }
  let hits = 0;
  let seen = 0;
  for (let i = 0; i < n; i += step, seen++) if (values[i] === candidate) hits++;
  if (hits * 4 < seen * 3) return undefined;
  let others = 0;
  for (let i = 0; i < n; i++) if (values[i] !== candidate) others++;
  return others * 4 <= n ? { value: candidate, others } : undefined;
}

/** Writes the head (kind, common value, m) and fills `gaps` and `exceptions` with the m rows. */
export function writeSparseHead(
  values: Float64Array,
  n: number,
  common: number,
  m: number,
  out: ByteWriter,
  gaps: Float64Array,
  exceptions: Float64Array,
): void {
  out.u8(INT_SPARSE);
  out.align(8);
  out.f64(common);
  out.varint(m);
  let k = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === common) continue;
    gaps[k] = i - last - 1;
    exceptions[k++] = v;
    last = i;
  }
}

/** Scratch for decoding: gaps, and the values per output type. */
let gaps = new Uint32Array(256);
const valueScratch = {
  f64: new Float64Array(256),
  u32: new Uint32Array(256),
  u16: new Uint16Array(256),
  u8: new Uint8Array(256),
};

function scratchOf<T extends NumberArray>(kind: keyof typeof valueScratch, m: number): T {
  let a: NumberArray = valueScratch[kind];
  if (a.length < m) {
    a = new (a.constructor as Float64ArrayConstructor)(Math.max(m, a.length * 2)) as NumberArray;
    (valueScratch as Record<string, NumberArray>)[kind] = a;
  }
  return a.subarray(0, m) as T;
}

function scatterF64(out: Float64Array, gaps: Uint32Array, values: Float64Array): number {
  let pos = -1;
  for (let k = 0; k < values.length; k++) {
    pos += gaps[k]! + 1;
    out[pos] = values[k]!;
  }
  return pos;
}
function scatterU32(out: Uint32Array, gaps: Uint32Array, values: Uint32Array): number {
  let pos = -1;
  for (let k = 0; k < values.length; k++) {
    pos += gaps[k]! + 1;
    out[pos] = values[k]!;
  }
  return pos;
}
function scatterU16(out: Uint16Array, gaps: Uint32Array, values: Uint16Array): number {
  let pos = -1;
  for (let k = 0; k < values.length; k++) {
    pos += gaps[k]! + 1;
    out[pos] = values[k]!;
  }
  return pos;
}
function scatterU8(out: Uint8Array, gaps: Uint32Array, values: Uint8Array): number {
  let pos = -1;
  for (let k = 0; k < values.length; k++) {
    pos += gaps[k]! + 1;
    out[pos] = values[k]!;
  }
  return pos;
}

/** Whether the gaps place m rows inside n rows (checked before scattering: no write out of range). */
function gapsFit(g: Uint32Array, n: number): boolean {
  let pos = -1;
  for (let k = 0; k < g.length; k++) pos += g[k]! + 1;
  return pos < n;
}

function differencesF64(out: Float64Array, ref: Float64Array, gaps: Uint32Array, values: Float64Array): void {
  let pos = -1;
  for (let k = 0; k < values.length; k++) {
    pos += gaps[k]! + 1;
    out[pos] = ref[pos]! - values[k]!;
  }
}

function minusCommon(out: Float64Array, ref: Float64Array, common: number): void {
  for (let i = 0; i < out.length; i++) out[i] = ref[i]! - common;
}

/**
 * A SPARSE block of differences to a reference column (after its kind byte), straight into
 * values: out = ref - difference. With a common difference of 0 (a flow of one packet starts
 * when it ends) that is a native copy of the reference and a write per other row, instead of a
 * fill, a scatter and a pass subtracting every row.
 */
export function decodeSparseFrom(
  r: ByteReader,
  out: Float64Array,
  ref: Float64Array,
  decodeInts: (r: ByteReader, out: NumberArray) => void,
): void {
  r.align(8);
  const common = r.f64();
  const m = r.varint();
  if (m > out.length) throw new DecodeError(`${m} exceptions in ${out.length} rows`);
  if (gaps.length < m) gaps = new Uint32Array(Math.max(m, gaps.length * 2));
  const g = gaps.subarray(0, m);
  decodeInts(r, g);
  if (!gapsFit(g, out.length)) throw new DecodeError('sparse rows beyond the block');
  const v = scratchOf<Float64Array>('f64', m);
  decodeInts(r, v);
  if (common === 0) out.set(ref);
  else minusCommon(out, ref, common);
  differencesF64(out, ref, g, v);
}

/**
 * Decodes a SPARSE block after its kind byte into `out`; `decodeInts` decodes the nested blocks
 * (passed in to keep the modules acyclic).
 */
export function decodeSparse(
  r: ByteReader,
  out: NumberArray,
  decodeInts: (r: ByteReader, out: NumberArray) => void,
): void {
  r.align(8);
  const common = r.f64();
  const m = r.varint();
  if (m > out.length) throw new DecodeError(`${m} exceptions in ${out.length} rows`);
  if (gaps.length < m) gaps = new Uint32Array(Math.max(m, gaps.length * 2));
  const g = gaps.subarray(0, m);
  decodeInts(r, g);
  if (!gapsFit(g, out.length)) throw new DecodeError('sparse rows beyond the block');
  out.fill(common);
  if (out instanceof Float64Array) {
    const v = scratchOf<Float64Array>('f64', m);
    decodeInts(r, v);
    scatterF64(out, g, v);
  } else if (out instanceof Uint32Array) {
    const v = scratchOf<Uint32Array>('u32', m);
    decodeInts(r, v);
    scatterU32(out, g, v);
  } else if (out instanceof Uint16Array) {
    const v = scratchOf<Uint16Array>('u16', m);
    decodeInts(r, v);
    scatterU16(out, g, v);
  } else {
    const v = scratchOf<Uint8Array>('u8', m);
    decodeInts(r, v);
    scatterU8(out, g, v);
  }
}
