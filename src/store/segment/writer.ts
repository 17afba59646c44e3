import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { crc32c } from '../encoding/crc32c.js';
import { BlockEncoder, batchColumn, type EncodedBlock } from './block-encoder.js';
import {
  type BlockEntry,
  encodeFooter,
  FILE_MAGIC,
  FORMAT_VERSION,
  HEADER_SIZE,
  type PartEntry,
  TRAILER_MAGIC,
  TRAILER_SIZE,
} from './format.js';
import { segmentMeta } from './meta.js';
import { PartColumns } from './part-columns.js';
import { type SortKey, sortOrder } from './row-order.js';
import type { SegmentHeader, SegmentMeta, SegmentPartInput } from './types.js';

export interface SegmentWriteOptions {
  /** zstd level for the column blocks; 0 stores them uncompressed. */
  readonly level?: number;
  /**
   * Columns to order each part's rows by before encoding (most significant first); [] keeps the
   * input order. The same permutation applies to every column of the part.
   */
  readonly sortBy?: readonly string[];
  /**
   * Columns that may be stored as their difference to another (time or u64) column of the part,
   * when that is smaller: flow_start_time as flow_end_time minus the flow's duration.
   */
  readonly references?: Readonly<Record<string, string>>;
}

export const defaultWriteOptions: Required<SegmentWriteOptions> = {
  level: 3,
  sortBy: ['dst_addr', 'src_addr'],
  references: { flow_start_time: 'flow_end_time' },
};

/** Writes the bytes of a segment to `sink` in order; returns its metadata. */
export function encodeSegment(
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPartInput[],
  sink: (bytes: Uint8Array) => void,
  options: SegmentWriteOptions = {},
): SegmentMeta {
  const { level, sortBy, references } = { ...defaultWriteOptions, ...options };
  const blocks = new BlockEncoder(level);
  const columnIndex = new Map(schema.map((col, i) => [col.name, i]));

  const head = new Uint8Array(HEADER_SIZE);
  head.set(FILE_MAGIC);
  new DataView(head.buffer).setUint16(8, FORMAT_VERSION, true);
  sink(head);
  let offset = HEADER_SIZE;

  const entries: PartEntry[] = [];
  for (const part of parts) {
    const { batch } = part;
    const n = part.rows.length;
    const local = new PartColumns(batch, part.rows);
    const keys: SortKey[] = [];
    for (const name of sortBy) {
      const c = columnIndex.get(name);
      if (c === undefined) continue;
      const array = batchColumn(batch, schema[c]!);
      if (!blocks.isZero(array)) keys.push({ type: schema[c]!.type, array: local.get(batch.index[name]!) });
    }
    const order = sortOrder(keys, n);
    const entriesOfPart: BlockEntry[] = [];
    for (const col of schema) {
      const block = encodeColumn(col);
      sink(block.stored);
      entriesOfPart.push({ ...block.entry, offset });
      offset += block.stored.length;
    }
    entries.push({ bucket: part.bucket, deviceId: part.deviceId, rows: n, blocks: entriesOfPart });

    function encodeColumn(col: ColumnDef): EncodedBlock {
      const array = batchColumn(batch, col);
      if (blocks.isZero(array)) return blocks.zeroBlock(col.type, n);
      const index = batch.index[col.name]!;
      const refName = references[col.name];
      const refIndex = refName === undefined ? undefined : columnIndex.get(refName);
      if (refIndex !== undefined && array instanceof Float64Array) {
        const refArray = batchColumn(batch, schema[refIndex]!);
        if (refArray instanceof Float64Array) {
          const ref = local.get(batch.index[refName!]!) as Float64Array;
          return blocks.encodeWithReference(local.get(index) as Float64Array, ref, refIndex, order);
        }
      }
      return blocks.encode(col.type, local.get(index), batch.dicts[index], order);
    }
  }

  const footerRaw = encodeFooter({ header, headerCrc: crc32c(head), schema, parts: entries });
  const footer = blocks.compressFooter(footerRaw);
  sink(footer.stored);
  const trailer = new Uint8Array(TRAILER_SIZE);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, offset % 0x1_0000_0000, true);
  view.setUint32(4, Math.floor(offset / 0x1_0000_0000), true);
  view.setUint32(8, footer.stored.length, true);
  view.setUint32(12, footerRaw.length, true);
  view.setUint32(16, crc32c(footer.stored), true);
  trailer[20] = footer.codec;
  view.setUint32(24, crc32c(trailer, 0, 24), true);
  trailer.set(TRAILER_MAGIC, 28);
  sink(trailer);
  const bytes = offset + footer.stored.length + TRAILER_SIZE;
  return segmentMeta({ header, headerCrc: 0, schema, parts: entries }, bytes);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function syncFolderSync(path: string): void {
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Writes a segment crash-safely without yielding (for worker threads and compaction): to
 * `path.tmp`, fsync, rename over `path`, fsync the folder. A crash leaves the old state or the
 * complete new file, never a partial one at `path`.
 */
export function writeSegmentSync(
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPartInput[],
  options?: SegmentWriteOptions,
): SegmentMeta {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  let meta: SegmentMeta;
  try {
    meta = encodeSegment(header, schema, parts, (bytes) => writeAll(fd, bytes), options);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncFolderSync(path);
  return meta;
}

/**
 * Like `writeSegmentSync`, but the file I/O (write, fsync, rename, folder fsync) does not block
 * the event loop; encoding is CPU work and runs before the first await.
 */
export async function writeSegment(
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPartInput[],
  options?: SegmentWriteOptions,
): Promise<SegmentMeta> {
  const chunks: Uint8Array[] = [];
  const meta = encodeSegment(header, schema, parts, (bytes) => chunks.push(bytes.slice()), options);
  await writeFileAtomic(path, Buffer.concat(chunks));
  return meta;
}
