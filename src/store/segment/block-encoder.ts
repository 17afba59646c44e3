import { type ColumnBatch, type NumberArray, StringDict } from '../../flow/batch.js';
import type { ColumnDef, ColumnType } from '../../flow/schema.js';
import { writeAddrDictHead } from '../encoding/addr-dict.js';
import type { AddrDict } from '../encoding/addr-dict-build.js';
import { ByteWriter } from '../encoding/byte-io.js';
import { allocateColumn, ColumnEncoder, type ColumnHead } from '../encoding/column-codec.js';
import { BlockCompressor } from '../encoding/compress.js';
import { INT_CONST, INT_RAW } from '../encoding/int-format.js';
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

/** How the final integer block of a column block may be stored (see `BlockEncoder`). */
export interface PackingPolicy {
  /** 'auto': the smaller of bytes through zstd and bit-packed; 'never': bytes only (version 3 layouts). */
  readonly mode: 'auto' | 'never';
  /**
   * Bit-packed blocks decode several times faster than zstd-compressed bytes, so 'auto' keeps
   * the bit-packed form while it is at most this fraction larger than the zstd one.
   */
  readonly tolerance: number;
}

export const defaultPacking: PackingPolicy = { mode: 'auto', tolerance: 0.1 };

/** How far from the limit a column's last ratio settles its next block (docs/store-format.md). */
const SETTLED = 1.1;

/** Encodes, compresses and checksums column blocks, reusing its buffers across blocks. */
export class BlockEncoder {
  readonly encoder = new ColumnEncoder();
  private readonly compressor: BlockCompressor;
  /** Compresses the bit-packed alternative, so that both candidates' bytes stay valid. */
  private readonly compressorBits: BlockCompressor;
  /** zstd with long matches only (see LONG_MIN_MATCH), the other candidate for zstd bytes. */
  private readonly compressorLong: BlockCompressor;
  /** Per column, its first block's zstd size with long matches over the default's (see `zstdBytes`). */
  private readonly longRatio = new Map<string, number>();
  private readonly raw = new ByteWriter(1 << 16);
  private readonly alternative = new ByteWriter(1 << 16);
  private readonly zeroArrays = new WeakMap<NumberArray, boolean>();
  // Per column, the last block's bit-packed size over its zstd size; far from the limit
  // (SETTLED), it picks the next block's form.
  private readonly lastRatio = new Map<string, number>();
  /** The column the next block belongs to (for `lastRatio`); '' for none. */
  column = '';
  private readonly zeroBlocks = new Map<ColumnType, EncodedBlock>();

  constructor(
    level: number,
    private readonly packing: PackingPolicy = defaultPacking,
  ) {
    this.compressor = new BlockCompressor(level);
    this.compressorBits = new BlockCompressor(level);
    this.compressorLong = new BlockCompressor(level, true);
  }

  /**
   * A column's block; `addrDict`: the part's dictionary of an address column (ADDR_DICT, or
   * ADDR_SHARED when `shared`).
   */
  encode(
    type: ColumnType,
    array: NumberArray,
    dict: StringDict | undefined,
    rows: Uint32Array,
    addrDict?: AddrDict,
    shared = false,
  ): EncodedBlock {
    this.raw.reset();
    return this.complete(this.encoder.head(type, array, dict, rows, this.raw, addrDict, shared));
  }

  /** A part's shared address dictionary (ADDR_DICT layout without index block), zstd-compressed. */
  encodeAddresses(dict: AddrDict): EncodedBlock {
    this.raw.reset();
    writeAddrDictHead(dict, this.encoder.ints, this.raw);
    const raw = this.raw.view8();
    return this.entry(raw, this.compressor.compress(raw), 0, { min: undefined, max: undefined });
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
    this.raw.reset();
    return this.complete(this.encoder.relativeHead(array, reference, referenceIndex, rows, this.raw));
  }

  /** A column stored as a table per entry of its key's dictionary (see keyed-plan.ts). */
  encodeKeyed(
    table: Float64Array,
    keyIndex: number,
    owner: number | undefined,
    integers: boolean,
    stats: { min: number; max: number },
  ): EncodedBlock {
    this.raw.reset();
    return this.complete(this.encoder.keyedHead(table, keyIndex, owner, integers, stats, this.raw));
  }

  /** Plain unsigned integers as one integer block (a part's repeat map). */
  encodeInts(values: Uint32Array): EncodedBlock {
    this.raw.reset();
    const n = values.length;
    const final = { values: Float64Array.from(values), n, integers: true, shuffle: false, known: undefined };
    return this.complete({ encoding: 0, min: undefined, max: undefined, final });
  }

  /**
   * Writes the head's final integer block as bytes (then zstd over the block) and, unless the
   * policy says never, bit-packed (zstd over the head only, the words stored as they are), and
   * keeps the bit-packed form unless it is more than `tolerance` larger.
   */
  private complete(head: ColumnHead): EncodedBlock {
    const headLength = this.raw.length;
    const limit = 1 + this.packing.tolerance;
    const last = this.column === '' ? undefined : this.lastRatio.get(this.column);
    // The previous part's block of this column decides unless it was a close call.
    const tryBits =
      this.packing.mode !== 'never' &&
      head.final !== undefined &&
      head.final.n >= 32 &&
      !(last! > limit * SETTLED);
    if (tryBits && last! < limit / SETTLED) {
      // The bit-packed form won by far in this column's last block: skip the zstd candidate.
      const encoding = this.encoder.finish(head, this.raw, true);
      const tailAt = this.encoder.ints.tailAt;
      if (tailAt >= headLength) {
        return this.entry(
          this.raw.view8(),
          this.compressorBits.compressSplit(this.raw.view8(), tailAt),
          encoding,
          head,
        );
      }
      this.raw.length = headLength;
    }
    const encoding = this.encoder.finish(head, this.raw, false);
    const bytes = this.zstdBytes(this.raw.view8());
    const kind = encoding & 0x0f;
    if (tryBits && ((encoding & 0xf0) === 0x10 || (kind !== INT_CONST && kind !== INT_RAW))) {
      const alt = this.alternative;
      alt.reset();
      alt.raw(this.raw.bytes.subarray(0, headLength));
      const altEncoding = this.encoder.finish(head, alt, true);
      const tailAt = this.encoder.ints.tailAt;
      if (tailAt >= headLength) {
        const packed = this.compressorBits.compressSplit(alt.view8(), tailAt);
        // Up to an eighth of a bit per row more is always worth it (a monotone index block of 1
        // bit a row decodes in one pass, as bytes it takes zstd and two passes).
        const slack = head.final!.n / 64;
        const ratio = (packed.stored.length - slack) / Math.max(1, bytes.stored.length);
        if (this.column !== '') this.lastRatio.set(this.column, ratio);
        if (ratio <= limit) return this.entry(alt.view8(), packed, altEncoding, head);
      }
    }
    return this.entry(this.raw.view8(), bytes, encoding, head);
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
      const raw = this.raw.view8();
      const done = this.entry(raw, this.compressor.compress(raw), stats.encoding, stats);
      block = { stored: done.stored.slice(), entry: done.entry };
      this.zeroBlocks.set(type, block);
    }
    if (rows > 0 || block.entry.min === undefined) return block;
    return { stored: block.stored, entry: { ...block.entry, min: undefined, max: undefined } };
  }

  /**
   * A block's bytes through zstd with the default or with long matches, whichever is smaller:
   * a column's first block tries both, and its later ones repeat that choice (trying every
   * block doubles zstd's share of the writer). Long matches decode faster where they win (docs/store-format.md).
   */
  private zstdBytes(raw: Uint8Array): { codec: number; stored: Uint8Array } {
    const last = this.column === '' ? undefined : this.longRatio.get(this.column);
    if (last !== undefined)
      return last < 1 ? this.compressorLong.compress(raw) : this.compressor.compress(raw);
    const normal = this.compressor.compress(raw);
    const long = this.compressorLong.compress(raw);
    const ratio = long.stored.length / Math.max(1, normal.stored.length);
    if (this.column !== '') this.longRatio.set(this.column, ratio);
    return ratio < 1 ? long : normal;
  }

  compressFooter(raw: Uint8Array): { codec: number; stored: Uint8Array } {
    return this.compressor.compress(raw);
  }

  private entry(
    raw: Uint8Array,
    compressed: { codec: number; stored: Uint8Array },
    encoding: number,
    stats: { min: number | undefined; max: number | undefined },
  ): EncodedBlock {
    const { codec, stored } = compressed;
    return {
      stored,
      entry: {
        length: stored.length,
        rawLength: raw.length,
        codec,
        encoding,
        flags: 0,
        crc: xxh32(stored),
        min: stats.min,
        max: stats.max,
      },
    };
  }
}
