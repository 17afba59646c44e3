import type { ByteWriter } from './byte-io.js';
import { DistinctCounter } from './distinct.js';
import {
  bitLength,
  INT_CONST,
  INT_DELTA,
  INT_DICT,
  INT_FOR,
  INT_RAW,
  INT_SDICT,
  SHUFFLED,
  widthFor,
} from './int-format.js';

export interface IntBlockInfo {
  readonly kind: number;
  readonly min: number;
  readonly max: number;
}

/** What the encoder needs to know of a block first: a caller that copies the values can compute it in the same pass. */
export interface BlockStats {
  min: number;
  max: number;
  /** Largest |v[i] - v[i-1]|. */
  maxAbsDelta: number;
  /** Every value is an integer. */
  integral: boolean;
}
type Stats = BlockStats;

/** Min, max, largest step between neighbours, and whether every value is an integer. */
function stats(values: Float64Array, n: number): Stats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  let maxAbsDelta = 0;
  let prev = n > 0 ? values[0]! : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
    const d = Math.abs(v - prev);
    if (d > maxAbsDelta) maxAbsDelta = d;
    prev = v;
  }
  return { min, max, maxAbsDelta, integral };
}

/** `stats` for values known to be unsigned 32-bit integers: no fraction test. */
function intStats(values: Float64Array, n: number): Stats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let maxAbsDelta = 0;
  let prev = n > 0 ? values[0]! : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > maxAbsDelta) maxAbsDelta = d;
    prev = v;
  }
  return { min, max, maxAbsDelta, integral: true };
}

/**
 * Sampling stride for the bit-cost estimate: every row up to 16k rows, then about 8k to 16k
 * samples. (Every row up to 64k rows chose the same encodings on the benchmark data, byte for
 * byte, at 4 % of the writer's time.)
 */
const sampleStride = (n: number): number => Math.max(1, Math.floor(n / 8192));

/**
 * Encodes blocks of integers (see int-format.ts), picking the encoding per block. One encoder is
 * reused across blocks: its hash table and scratch arrays are allocated once.
 */
export class IntEncoder {
  private readonly distinct = new DistinctCounter(65536);
  /**
   * Store 2- and 4-byte payloads as byte planes (all low bytes, then the next…). Measured per
   * column: it helps spread-out times and counters (zstd then codes each plane with its own
   * statistics) and hurts ports, whose repeated 2-byte values stop matching; the caller sets it
   * for time and u64 columns.
   */
  shuffle = false;
  /** Byte planes for delta payloads only: sorted IPv4 addresses (−0.15 bytes per flow on dst_addr). */
  shuffleDeltas = false;
  private nested: IntEncoder | undefined;
  /** Try SDICT for 4-byte values that frequency-ranked dictionaries and deltas do not suit. */
  sortedDictionaries = false;

  /**
   * Encodes `values[0..n)` into `out`; returns the encoding kind and min/max. `integers`: the
   * values were copied from an integer typed array, so the check for fractions is skipped.
   * `known`: the values' stats, when the caller computed them while copying (one pass fewer).
   */
  encode(
    values: Float64Array,
    n: number,
    out: ByteWriter,
    integers = false,
    known?: BlockStats,
  ): IntBlockInfo {
    const { min, max, maxAbsDelta, integral } = known ?? (integers ? intStats(values, n) : stats(values, n));
    if (n === 0) return this.constant(0, 0, 0, out);
    if (min === max) return this.constant(min, min, max, out);
    const safe = Number.MAX_SAFE_INTEGER;
    if (!integral || min < -safe || max > safe || max - min > safe) return this.raw(values, n, min, max, out);

    const forWidth = widthFor(max - min);
    const deltaWidth = maxAbsDelta < 0x8000_0000 ? widthFor(maxAbsDelta * 2) : 8;
    // The sorted dictionary's test (at most n/2 distinct 4-byte values) is a superset of the
    // dictionary's (n/4): one count with the larger limit answers both.
    const sdictLimit = this.sortedDictionaries && forWidth === 4 ? Math.min(65536, n >> 1) : -1;
    let counted: boolean | undefined;
    if (forWidth >= 2 && deltaWidth >= 2) {
      const limit = forWidth === 2 ? 256 : Math.min(65536, n >> 2);
      counted = this.distinct.count(values, n, Math.max(limit, sdictLimit));
      if (counted && this.distinct.size <= limit) {
        const d = this.distinct.size;
        const indexWidth = widthFor(d - 1);
        // The dictionary itself must cost less than what narrowing the indexes saves.
        if (indexWidth < forWidth && d * 8 < n * (forWidth - indexWidth)) {
          return this.dictionary(values, n, min, max, indexWidth as 1 | 2 | 4, out);
        }
      }
    }
    if (deltaWidth < 8 && this.deltaIsCheaper(values, n, min, deltaWidth, forWidth)) {
      return this.delta(values, n, min, max, deltaWidth as 1 | 2 | 4, out);
    }
    if (sdictLimit >= 0 && (counted ?? this.distinct.count(values, n, sdictLimit))) {
      return this.sortedDictionary(values, n, min, max, out);
    }
    return this.frameOfReference(values, n, min, max, forWidth, out);
  }

  /**
   * SDICT: the distinct values (counted in `distinct`) sorted ascending and stored as a nested
   * DELTA block, then 2-byte indexes (4-aligned). For scattered 32-bit values that repeat, such as
   * the second sort key's IPv4 addresses: the sorted dictionary costs a few bytes per distinct
   * value where the frequency-ranked one costs 8.
   */
  private sortedDictionary(
    values: Float64Array,
    n: number,
    min: number,
    max: number,
    out: ByteWriter,
  ): IntBlockInfo {
    const distinct = this.distinct;
    distinct.sortByValue();
    const d = distinct.size;
    const indexWidth = widthFor(d - 1) as 1 | 2;
    let maxGap = 0;
    for (let i = 1; i < d; i++) maxGap = Math.max(maxGap, distinct.values[i]! - distinct.values[i - 1]!);
    const gapWidth = widthFor(maxGap * 2);
    if (gapWidth === 8) return this.frameOfReference(values, n, min, max, 4, out);
    out.u8(INT_SDICT);
    out.u8(indexWidth);
    out.varint(d);
    if (d === 1) this.constant(distinct.values[0]!, min, max, out);
    else this.delta(distinct.values, d, min, max, gapWidth, out);
    out.align(4);
    const dst = payload(out, n, indexWidth);
    for (let i = 0; i < n; i++) dst[i] = distinct.indexOf(values[i]!);
    return { kind: INT_SDICT, min, max };
  }

  private deltaIsCheaper(values: Float64Array, n: number, min: number, dw: number, fw: number): boolean {
    if (dw < fw) return true;
    if (dw > fw) return false;
    let forBits = 0;
    let deltaBits = 0;
    const step = sampleStride(n);
    for (let i = step; i < n; i += step) {
      const v = values[i]!;
      const d = v - values[i - 1]!;
      forBits += bitLength(v - min);
      deltaBits += bitLength(d >= 0 ? 2 * d : -2 * d - 1);
    }
    // Frame of reference decodes faster: delta must win clearly.
    return deltaBits < forBits * 0.8;
  }

  private constant(value: number, min: number, max: number, out: ByteWriter): IntBlockInfo {
    out.u8(INT_CONST);
    out.f64(value);
    return { kind: INT_CONST, min, max };
  }

  private raw(values: Float64Array, n: number, min: number, max: number, out: ByteWriter): IntBlockInfo {
    out.u8(INT_RAW);
    out.align(8);
    const at = out.reserve(n * 8);
    new Float64Array(out.bytes.buffer, at, n).set(values.subarray(0, n));
    return { kind: INT_RAW, min, max };
  }

  private frameOfReference(
    values: Float64Array,
    n: number,
    min: number,
    max: number,
    width: 1 | 2 | 4 | 8,
    out: ByteWriter,
  ): IntBlockInfo {
    out.u8(INT_FOR);
    out.u8(this.widthByte(width));
    out.align(8);
    // Base 0 when subtracting the minimum would not narrow the payload (ports, one-byte columns):
    // the decoder then copies the payload into the output natively, with no pass adding the base.
    const sameWidth = width !== 8 && this.widthByte(width) === width && widthFor(max) === width;
    const base = sameWidth && min >= 0 ? 0 : min;
    out.f64(base);
    if (width === 8) {
      const at = out.reserve(n * 8);
      const lo = new Uint32Array(out.bytes.buffer, at, n);
      const hi = new Uint32Array(out.bytes.buffer, at + n * 4, n);
      for (let i = 0; i < n; i++) {
        const v = values[i]! - base;
        lo[i] = v >>> 0;
        hi[i] = v / 0x1_0000_0000;
      }
    } else {
      const dst = payload(out, n, width);
      for (let i = 0; i < n; i++) dst[i] = values[i]! - base;
      this.planes(out, dst, width);
    }
    return { kind: INT_FOR, min, max };
  }

  private delta(
    values: Float64Array,
    n: number,
    min: number,
    max: number,
    width: 1 | 2 | 4,
    out: ByteWriter,
  ): IntBlockInfo {
    const shuffle = this.shuffle;
    if (this.shuffleDeltas) this.shuffle = true;
    out.u8(INT_DELTA);
    out.u8(this.widthByte(width));
    out.align(8);
    out.f64(values[0]!);
    const dst = payload(out, n, width);
    dst[0] = 0;
    for (let i = 1; i < n; i++) {
      const d = values[i]! - values[i - 1]!;
      dst[i] = d >= 0 ? 2 * d : -2 * d - 1;
    }
    this.planes(out, dst, width);
    this.shuffle = shuffle;
    return { kind: INT_DELTA, min, max };
  }

  private dictionary(
    values: Float64Array,
    n: number,
    min: number,
    max: number,
    width: 1 | 2 | 4,
    out: ByteWriter,
  ): IntBlockInfo {
    const distinct = this.distinct;
    distinct.rankByFrequency();
    out.u8(INT_DICT);
    out.u8(this.widthByte(width));
    out.varint(distinct.size);
    // The values as a nested block (of their own encoder: `distinct` is still needed below).
    this.nested ??= new IntEncoder();
    this.nested.encode(distinct.values, distinct.size, out, true);
    out.align(4);
    const dst = payload(out, n, width);
    for (let i = 0; i < n; i++) dst[i] = distinct.indexOf(values[i]!);
    this.planes(out, dst, width);
    return { kind: INT_DICT, min, max };
  }

  private widthByte(width: number): number {
    return this.shuffle && (width === 2 || width === 4) ? width | SHUFFLED : width;
  }

  /** Rewrites a filled payload as byte planes when `shuffle` is on. */
  private planes(out: ByteWriter, dst: Uint8Array | Uint16Array | Uint32Array, width: number): void {
    if (this.widthByte(width) === width) return;
    const n = dst.length;
    const at = dst.byteOffset;
    const copy = out.bytes.slice(at, at + n * width);
    const bytes = out.bytes;
    for (let k = 0; k < width; k++) {
      const plane = at + k * n;
      for (let i = 0; i < n; i++) bytes[plane + i] = copy[i * width + k]!;
    }
  }
}

/** Reserves an aligned payload of n values of `width` bytes and returns a view to fill. */
function payload(out: ByteWriter, n: number, width: 1 | 2 | 4): Uint8Array | Uint16Array | Uint32Array {
  const at = out.reserve(n * width);
  const buf = out.bytes.buffer;
  return width === 1
    ? new Uint8Array(buf, at, n)
    : width === 2
      ? new Uint16Array(buf, at, n)
      : new Uint32Array(buf, at, n);
}
