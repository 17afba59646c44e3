import { bitsFor } from './bitpack.js';
import type { ByteWriter } from './byte-io.js';
import { DistinctCounter } from './distinct.js';
import { bitsBlock, sparseBlock } from './int-encode-v4.js';
import {
  bitLength,
  bitsWidth,
  INT_CONST,
  INT_DELTA,
  INT_DICT,
  INT_FOR,
  INT_RAW,
  INT_SDICT,
  SHUFFLED,
  widthFor,
} from './int-format.js';
import { bitPayload, bytePayload, toPlanes } from './int-payload.js';
import { dominantValue } from './int-sparse.js';
import { type BlockStats, type IntBlockInfo, intStats, stats } from './int-stats.js';

export type { BlockStats, IntBlockInfo } from './int-stats.js';

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
  readonly distinct = new DistinctCounter(65536);
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
   * Bit-packed payloads (version 4): the kind is chosen by exact payload bits instead of byte
   * widths, dictionaries are sorted (SDICT: with no entropy coder after them, ranking values by
   * frequency gains nothing and costs 8 bytes per value), and the words go to the block's tail,
   * which is stored uncompressed. For blocks that zstd would not shrink much, this decodes
   * several times faster than bytes through zstd.
   */
  packBits = false;
  /** Where the last bit-packed payload written starts in its ByteWriter (-1: none). */
  tailAt = -1;
  /** SPARSE blocks (version 4) when one value dominates; off in nested blocks. */
  sparse = false;
  private codes = new Uint32Array(1024);
  private sparseScratch = new Float64Array(0);

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
    if (this.sparse) {
      const dominant = dominantValue(values, n);
      if (dominant !== undefined) {
        return sparseBlock(this, values, n, { min, max }, dominant.value, dominant.others, out);
      }
    }
    if (this.packBits && max - min < 0x1_0000_0000) {
      return bitsBlock(this, values, n, { min, max }, maxAbsDelta, out);
    }

    const forWidth = widthFor(max - min);
    const deltaWidth = maxAbsDelta < 0x8000_0000 ? widthFor(maxAbsDelta * 2) : 8;
    // The sorted dictionary's test (at most n/2 distinct 4-byte values) is a superset of the
    // dictionary's (n/4): one count with the larger limit answers both.
    const sdictLimit = this.sortedDictionaries && forWidth === 4 ? Math.min(65536, n >> 1) : -1;
    let counted: boolean | undefined;
    if (forWidth >= 2 && deltaWidth >= 2) {
      const limit = forWidth === 2 ? 256 : Math.min(65536, n >> 2);
      counted = this.distinct.count(values, n, Math.max(limit, sdictLimit), { min, max });
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
    if (sdictLimit >= 0 && (counted ?? this.distinct.count(values, n, sdictLimit, { min, max }))) {
      return this.sortedDictionary(values, n, min, max, out);
    }
    return this.frameOfReference(values, n, min, max, forWidth, out);
  }

  /** The encoder of nested blocks (dictionary values, sparse and patched parts), made once. */
  nestedEncoder(): IntEncoder {
    if (this.nested === undefined) this.nested = new IntEncoder();
    return this.nested;
  }

  /** Scratch for n unsigned codes (bit-packed payloads). */
  codeScratch(n: number): Uint32Array {
    if (this.codes.length < n) this.codes = new Uint32Array(Math.max(n, this.codes.length * 2));
    return this.codes;
  }

  /** Scratch for two arrays of m numbers (positions and values of sparse or patched rows). */
  pairScratch(m: number): [Float64Array, Float64Array] {
    if (this.sparseScratch.length < 2 * m) this.sparseScratch = new Float64Array(2 * m);
    return [this.sparseScratch.subarray(0, m), this.sparseScratch.subarray(m, 2 * m)];
  }

  /**
   * SDICT: the distinct values (counted in `distinct`) sorted ascending and stored as a nested
   * DELTA block, then 2-byte indexes (4-aligned). For scattered 32-bit values that repeat, such as
   * the second sort key's IPv4 addresses: the sorted dictionary costs a few bytes per distinct
   * value where the frequency-ranked one costs 8.
   */
  sortedDictionary(values: Float64Array, n: number, min: number, max: number, out: ByteWriter): IntBlockInfo {
    const distinct = this.distinct;
    distinct.sortByValue();
    const d = distinct.size;
    const indexWidth = widthFor(d - 1) as 1 | 2;
    let maxGap = 0;
    for (let i = 1; i < d; i++) maxGap = Math.max(maxGap, distinct.values[i]! - distinct.values[i - 1]!);
    const gapWidth = widthFor(maxGap * 2);
    if (gapWidth === 8 && !this.packBits) return this.frameOfReference(values, n, min, max, 4, out);
    const bits = this.packBits ? bitsFor(d - 1) : 0;
    out.u8(INT_SDICT);
    out.u8(bits > 0 ? bitsWidth(bits) : indexWidth);
    out.varint(d);
    // The values: sorted, so their deltas are small (as byte planes when the caller asks for them).
    const packBits = this.packBits;
    this.packBits = false;
    if (d === 1) this.constant(distinct.values[0]!, min, max, out);
    else if (gapWidth === 8) this.nestedEncoder().encode(distinct.values, d, out, true);
    else this.delta(distinct.values, d, min, max, gapWidth as 1 | 2 | 4, out);
    this.packBits = packBits;
    out.align(4);
    if (bits > 0) {
      const codes = this.codeScratch(n);
      for (let i = 0; i < n; i++) codes[i] = distinct.indexOf(values[i]!);
      this.tailAt = bitPayload(out, codes, n, bits);
      return { kind: INT_SDICT, min, max };
    }
    const dst = bytePayload(out, n, indexWidth);
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
      const dst = bytePayload(out, n, width);
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
    const dst = bytePayload(out, n, width);
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
    const dst = bytePayload(out, n, width);
    for (let i = 0; i < n; i++) dst[i] = distinct.indexOf(values[i]!);
    this.planes(out, dst, width);
    return { kind: INT_DICT, min, max };
  }

  private widthByte(width: number): number {
    return this.shuffle && (width === 2 || width === 4) ? width | SHUFFLED : width;
  }

  /** Rewrites a filled payload as byte planes when `shuffle` is on. */
  private planes(out: ByteWriter, dst: Uint8Array | Uint16Array | Uint32Array, width: number): void {
    if (this.widthByte(width) !== width) toPlanes(out, dst, width);
  }
}
