import { type ColumnBatch, type NumberArray, StringDict } from '../../flow/batch.js';
import type { ColumnDef, ColumnType } from '../../flow/schema.js';
import { ByteWriter } from '../encoding/byte-io.js';
import {
  allocateColumn,
  ColumnEncoder,
  type EncodedStats,
  encodeRelative,
} from '../encoding/column-codec.js';
import { BlockCompressor } from '../encoding/compress.js';
import { xxh32 } from '../encoding/xxh32.js';
import type { BlockEntry } from './format.js';

export interface EncodedBlock {
  /** The bytes to write (a view, valid until the next call). */
  readonly stored: Uint8Array;
  /** Its footer entry, without the offset. */
  readonly entry: Omit<BlockEntry, 'offset'>;
}

/** The array of a schema column in a batch; the batch must have it with the same type. */
export function batchColumn(batch: ColumnBatch<string>, col: ColumnDef): NumberArray {
  const index = (batch.index as Record<string, number | undefined>)[col.name];
  if (index === undefined || batch.schema[index]!.type !== col.type) {
    throw new Error(`batch has no ${col.type} column ${col.name}`);
  }
  return batch.arrays[index]!;
}

/** Bits of `v` (0 for 0), for unsigned integers below 2^53; anything else counts 64. */
function bits(v: number): number {
  if (!(v >= 0) || v > Number.MAX_SAFE_INTEGER) return 64;
  return v < 0x1_0000_0000 ? 32 - Math.clz32(v) : 64 - Math.clz32(v / 0x1_0000_0000);
}

/** Whether `reference - value` is cheaper than `value - min`, judged on up to 4096 sampled rows. */
function relativeIsCheaper(array: Float64Array, reference: Float64Array, rows: Uint32Array): boolean {
  const n = rows.length;
  if (n === 0) return false;
  const step = Math.max(1, Math.floor(n / 4096));
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i += step) min = Math.min(min, array[rows[i]!]!);
  let plain = 0;
  let relative = 0;
  for (let i = 0; i < n; i += step) {
    const r = rows[i]!;
    plain += bits(array[r]! - min);
    const d = reference[r]! - array[r]!;
    relative += Number.isInteger(d) ? bits(d) : 64;
  }
  return relative < plain;
}

/**
 * Whether the first `bytes >> 2` 32-bit words of the array's bytes are all zero: OR-ed eight words
 * at a time (no branch per word), checked every 1024 words so that a non-zero column stops early.
 * The byte offset of a column array is 4-aligned (or the view falls back to a copy).
 */
function wordsAreZero(array: NumberArray, bytes: number): boolean {
  const count = bytes >> 2;
  const words =
    array.byteOffset % 4 === 0
      ? new Int32Array(array.buffer, array.byteOffset, count)
      : new Int32Array(new Uint8Array(array.buffer, array.byteOffset, count * 4).slice().buffer);
  let i = 0;
  while (i + 8 <= count) {
    const end = Math.min(count & ~7, i + 1024);
    let acc = 0;
    for (; i < end; i += 8) {
      acc |=
        words[i]! |
        words[i + 1]! |
        words[i + 2]! |
        words[i + 3]! |
        words[i + 4]! |
        words[i + 5]! |
        words[i + 6]! |
        words[i + 7]!;
    }
    if (acc !== 0) return false;
  }
  for (; i < count; i++) if (words[i] !== 0) return false;
  return true;
}

/** Encodes, compresses and checksums column blocks, reusing its buffers across blocks. */
export class BlockEncoder {
  private readonly encoder = new ColumnEncoder();
  private readonly compressor: BlockCompressor;
  private readonly raw = new ByteWriter(1 << 16);
  private readonly alternative = new ByteWriter(1 << 16);
  private readonly zeroArrays = new WeakMap<NumberArray, boolean>();
  private readonly zeroBlocks = new Map<ColumnType, EncodedBlock>();

  constructor(level: number) {
    this.compressor = new BlockCompressor(level);
  }

  encode(
    type: ColumnType,
    array: NumberArray,
    dict: StringDict | undefined,
    rows: Uint32Array,
  ): EncodedBlock {
    this.raw.reset();
    const stats = this.encoder.encode(type, array, dict, rows, this.raw);
    return this.finish(this.raw.view8(), stats);
  }

  /**
   * Encodes the column relative to `reference` (value = reference − difference) when a sample of
   * the differences costs fewer bits than the values' offsets from their minimum, else on its own.
   * Deciding from a sample instead of encoding and compressing both ways halved the cost of
   * flow_start_time and chose the same way on the benchmark data.
   */
  encodeWithReference(
    array: Float64Array,
    reference: Float64Array,
    referenceIndex: number,
    rows: Uint32Array,
  ): EncodedBlock {
    if (!relativeIsCheaper(array, reference, rows)) return this.encode('time', array, undefined, rows);
    this.alternative.reset();
    const relStats = encodeRelative(this.encoder, array, reference, referenceIndex, rows, this.alternative);
    return this.finish(this.alternative.view8(), relStats);
  }

  /**
   * Whether a batch column is zero in every row: most columns of router flows (the host-agent
   * ones) are, and checking the whole array once, 32 bits at a time, is much cheaper than
   * gathering and analysing it part by part. Row indexes must be below the batch's capacity.
   */
  isZero(array: NumberArray): boolean {
    let zero = this.zeroArrays.get(array);
    if (zero === undefined) {
      const bytes = array.byteLength;
      zero = wordsAreZero(array, bytes);
      const tail = new Uint8Array(array.buffer, array.byteOffset + (bytes & ~3), bytes & 3);
      if (tail.some((b) => b !== 0)) zero = false;
      this.zeroArrays.set(array, zero);
    }
    return zero;
  }

  /** The block of an all-zero column: a constant, the same few bytes for any row count. */
  zeroBlock(type: ColumnType, rows: number): EncodedBlock {
    let block = this.zeroBlocks.get(type);
    if (block === undefined) {
      this.raw.reset();
      const stats = this.encoder.encode(
        type,
        allocateColumn(type, 1),
        new StringDict(),
        Uint32Array.of(0),
        this.raw,
      );
      const done = this.finish(this.raw.view8(), stats);
      block = { stored: done.stored.slice(), entry: done.entry };
      this.zeroBlocks.set(type, block);
    }
    if (rows > 0 || block.entry.min === undefined) return block;
    return { stored: block.stored, entry: { ...block.entry, min: undefined, max: undefined } };
  }

  compressFooter(raw: Uint8Array): { codec: number; stored: Uint8Array } {
    return this.compressor.compress(raw);
  }

  private finish(raw: Uint8Array, stats: EncodedStats): EncodedBlock {
    const { codec, stored } = this.compressor.compress(raw);
    return {
      stored,
      entry: {
        length: stored.length,
        rawLength: raw.length,
        codec,
        encoding: stats.encoding,
        crc: xxh32(stored),
        min: stats.min,
        max: stats.max,
      },
    };
  }
}
