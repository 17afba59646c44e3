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
import { PartGather } from './part-gather.js';
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

/**
 * Writes the bytes of a segment to `sink` in order; returns its metadata.
 *
 * Encoding runs column by column over all parts (each column gathered for every part in one pass
 * over the batch, see PartGather), and the compressed blocks are kept until the end, then written
 * in the file's part-major order.
 */
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
  const gather = new PartGather(parts);
  // Columns read again after their own blocks: sort keys (read first) and reference columns.
  const kept = new Set<string>();

  const orders = parts.map((part, p) => {
    const keys: SortKey[] = [];
    for (const name of sortBy) {
      const c = columnIndex.get(name);
      if (c === undefined) continue;
      const col = schema[c]!;
      if (blocks.isZero(batchColumn(part.batch, col))) continue;
      keys.push({ type: col.type, array: gather.get(name, col.type, p) });
      kept.add(name);
    }
    return sortOrder(keys, part.rows.length);
  });

  const stored: Uint8Array[][] = parts.map(() => new Array<Uint8Array>(schema.length));
  const entries: Omit<BlockEntry, 'offset'>[][] = parts.map(() => new Array(schema.length));
  for (const [c, col] of schema.entries()) {
    const refName = references[col.name];
    const refIndex = refName === undefined ? undefined : columnIndex.get(refName);
    for (let p = 0; p < parts.length; p++) {
      const block = encodeColumn(p, col, refIndex);
      // Zero blocks are shared constants; others are views into the encoder's buffers.
      stored[p]![c] = block.shared ? block.stored : block.stored.slice();
      entries[p]![c] = block.entry;
    }
    if (!kept.has(col.name)) gather.drop(col.name);
  }

  function encodeColumn(
    p: number,
    col: ColumnDef,
    refIndex: number | undefined,
  ): EncodedBlock & { shared: boolean } {
    const { batch, rows } = parts[p]!;
    const array = batchColumn(batch, col);
    if (blocks.isZero(array)) return { ...blocks.zeroBlock(col.type, rows.length), shared: true };
    const local = gather.get(col.name, col.type, p);
    const order = orders[p]!;
    if (refIndex !== undefined && array instanceof Float64Array) {
      const ref = schema[refIndex]!;
      if (batchColumn(batch, ref) instanceof Float64Array) {
        kept.add(ref.name);
        const refLocal = gather.get(ref.name, ref.type, p) as Float64Array;
        return {
          ...blocks.encodeWithReference(local as Float64Array, refLocal, refIndex, order),
          shared: false,
        };
      }
    }
    const index = batch.index[col.name]!;
    return { ...blocks.encode(col.type, local, batch.dicts[index], order), shared: false };
  }

  const head = new Uint8Array(HEADER_SIZE);
  head.set(FILE_MAGIC);
  new DataView(head.buffer).setUint16(8, FORMAT_VERSION, true);
  sink(head);
  let offset = HEADER_SIZE;
  const partEntries: PartEntry[] = parts.map((part, p) => {
    const blocksOfPart: BlockEntry[] = [];
    for (let c = 0; c < schema.length; c++) {
      const bytes = stored[p]![c]!;
      sink(bytes);
      blocksOfPart.push({ ...entries[p]![c]!, offset });
      offset += bytes.length;
    }
    return { bucket: part.bucket, deviceId: part.deviceId, rows: part.rows.length, blocks: blocksOfPart };
  });

  const footerRaw = encodeFooter({ header, headerCrc: crc32c(head), schema, parts: partEntries });
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
  return segmentMeta({ header, headerCrc: 0, schema, parts: partEntries }, bytes);
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
