import type { ColumnBatch } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns, ReadOptions, Resolution } from '../backend.js';
import type { ColumnAllocator } from '../encoding/column-alloc.js';
import type { PartEntry } from './format.js';

/**
 * The segment file: an immutable, compressed, checksummed file of "parts", each part the rows of
 * one device in one bucket (minute, hour or day). A sealed minute of a tenant is one segment with
 * one part per device; compaction merges a minute's late segments into it and older minutes into
 * hourly files with 60 × devices parts, so the file count stays bounded as devices grow.
 */

/** Which table a segment holds: raw flows, or rollup rows (see `rollupColumns`). */
export type SegmentTable = 'flows' | 'rollup';

export interface SegmentHeader {
  readonly tenant: string;
  readonly table: SegmentTable;
  readonly resolution: Resolution;
  /**
   * The highest WAL sequence number whose rows (for the buckets in this file) are included: WAL
   * replay skips rows of these buckets from records at or below it, so nothing is applied twice.
   */
  readonly walLsn: number;
  readonly createdAt: number;
}

/** Input of one part: the rows `rows` (indexes into `batch`) of one device in one bucket. */
export interface SegmentPartInput {
  readonly bucket: number;
  readonly deviceId: number;
  readonly batch: ColumnBatch<string>;
  /**
   * Row indexes into `batch`. The writer may store them in another order (see
   * `SegmentWriteOptions.sortBy`): one permutation for all columns of the part, so rows stay whole.
   */
  readonly rows: Uint32Array;
}

/**
 * A part taken as stored from a segment file of the current format version and the same schema
 * (compaction: see part-copy.ts): its bytes, and its footer entry with offsets relative to them.
 */
export interface StoredPart {
  readonly kind: 'stored';
  readonly bucket: number;
  readonly deviceId: number;
  readonly rows: number;
  readonly bytes: Uint8Array;
  readonly entry: PartEntry;
}

/** What a segment is written from: rows to encode, or parts copied as stored. */
export type SegmentPart = SegmentPartInput | StoredPart;

export function isStoredPart(part: SegmentPart): part is StoredPart {
  return 'kind' in part && part.kind === 'stored';
}

export interface ColumnStats {
  readonly min: number;
  readonly max: number;
}

export interface ColumnMeta {
  readonly name: string;
  /** Compressed bytes on disk of this column in this part. */
  readonly bytes: number;
  /** Bytes after encoding, before compression (the compression ratio is rawBytes / bytes). */
  readonly rawBytes: number;
  /** How the block is encoded, e.g. `delta`, `dict`, `addr-v4`, `dict+for` (see src/store/encoding). */
  readonly encoding: string;
  /** Numeric min/max (for addresses and strings: undefined). */
  readonly stats: ColumnStats | undefined;
}

export interface PartMeta {
  readonly bucket: number;
  readonly deviceId: number;
  readonly rows: number;
  /** Distinct conversations stored once; rows - leaders repeat them (format version 4). */
  readonly leaders: number;
  readonly columns: readonly ColumnMeta[];
  /**
   * Bytes of the part-level blocks (version 4): the repeat map and the address dictionary shared
   * by src_addr and dst_addr. They hold column data too: count them with the columns.
   */
  readonly partBlocks: { readonly repeats: number; readonly addresses: number };
}

export interface SegmentMeta {
  readonly header: SegmentHeader;
  readonly schema: readonly ColumnDef[];
  readonly parts: readonly PartMeta[];
  /** Total file size in bytes. */
  readonly bytes: number;
}

/** How `SegmentReader.readPart` should return columns: `ReadOptions`, and for a job's merge: */
export interface PartReadOptions extends ReadOptions {
  /**
   * The key of every column returned in keyed form comes back in `addressDicts` too (also when
   * not asked, or asked as rows): a job of several parts merges the keys' dictionaries.
   */
  readonly keyDicts?: boolean;
}

/**
 * Reads a segment synchronously (so it works the same on the main thread and in worker threads).
 * Every block is checked against its checksum; a mismatch throws `CorruptSegmentError`.
 */
export interface SegmentReader {
  readonly path: string;
  readonly meta: SegmentMeta;
  /**
   * Decodes the named columns of a part into arrays from `allocate` (default: fresh ones; pass
   * `ReadBuffers.allocate` to reuse memory across reads, or views into larger arrays). Address
   * columns named in `options.addressDicts` whose block is a dictionary (version 4) come back in
   * `addressDicts`, their indexes and entries also from `allocate` (see `indexesName`). Columns
   * named in `options.keyed` that the part stores keyed come back in `keyed`: the table from
   * `allocate` (`tableName`), the indexes the key's (`indexesName`, the same array as its
   * dictionary form's when both come back).
   */
  readPart(
    part: number,
    columns: readonly string[],
    allocate?: ColumnAllocator,
    options?: PartReadOptions,
  ): JobColumns;
  close(): void;
}

export class CorruptSegmentError extends Error {
  readonly code = 'corrupt_segment';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`corrupt segment ${path}: ${detail}`);
  }
}
