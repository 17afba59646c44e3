import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { openSegment, PartCopier, writeSegment } from '../segment/index.js';
import type { SegmentHeader, SegmentMeta, SegmentPart, SegmentReader } from '../segment/types.js';

/**
 * The store's only contact with the segment format (src/store/segment): open a file, read its
 * metadata, write a new one. Reads are synchronous so worker threads can use them too.
 */

export function openSegmentFile(path: string): SegmentReader {
  return openSegment(path);
}

export function readSegmentMeta(path: string): SegmentMeta {
  const reader = openSegment(path);
  try {
    return reader.meta;
  } finally {
    reader.close();
  }
}

/** Writes a complete, fsynced segment at `path` (the writer goes through its own temporary file). */
export async function writeSegmentFile(
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPart[],
): Promise<SegmentMeta> {
  return writeSegment(path, header, schema, parts);
}

/** Parts taken from segment files as stored, for compaction (see segment/part-copy.ts). */
export { PartCopier };

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes a file and makes the deletion durable. */
export async function removeDurable(path: string): Promise<void> {
  await rm(path, { force: true });
  await fsyncDir(dirname(path)).catch(() => undefined);
}
