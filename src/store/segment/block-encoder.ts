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
import { crc32c } from '../encoding/crc32c.js';
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

  /** Encodes the column on its own and relative to `reference`, and keeps the smaller. */
  encodeWithReference(
    array: Float64Array,
    reference: Float64Array,
    referenceIndex: number,
    rows: Uint32Array,
  ): EncodedBlock {
    this.alternative.reset();
    const relStats = encodeRelative(this.encoder, array, reference, referenceIndex, rows, this.alternative);
    const rel = this.finish(this.alternative.view8(), relStats);
    const relBlock = { stored: rel.stored.slice(), entry: rel.entry };
    const plain = this.encode('time', array, undefined, rows);
    return plain.stored.length <= relBlock.stored.length ? plain : relBlock;
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
      const words = new Uint32Array(array.buffer, array.byteOffset, bytes >> 2);
      zero = true;
      for (let i = 0; i < words.length; i++) {
        if (words[i] !== 0) {
          zero = false;
          break;
        }
      }
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
        crc: crc32c(stored),
        min: stats.min,
        max: stats.max,
      },
    };
  }
}
