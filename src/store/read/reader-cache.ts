import { openSegmentFile } from '../catalog/segment-io.js';
import type { SegmentReader } from '../segment/types.js';

/**
 * Open segment readers of this thread (main or worker), least recently used first. Opening a file
 * parses its whole footer — for an hourly file, parts of 60 minutes × every device — so a query
 * reading many jobs of one file opens it once. Paths name immutable content (every rewrite gets a
 * new name), so a cached reader is never out of date; a reader kept open after compaction deleted
 * its file still reads the old rows, which is what a job planned before the compaction asked for.
 */
const MAX_OPEN = 64;
const readers = new Map<string, SegmentReader>();

export function cachedReader(path: string): SegmentReader {
  let reader = readers.get(path);
  if (reader !== undefined) {
    readers.delete(path);
    readers.set(path, reader);
    return reader;
  }
  reader = openSegmentFile(path);
  readers.set(path, reader);
  if (readers.size > MAX_OPEN) {
    const [oldest, old] = readers.entries().next().value as [string, SegmentReader];
    readers.delete(oldest);
    old.close();
  }
  return reader;
}

/** Closes this thread's reader of a file (deleted, quarantined), so its space is freed. */
export function evictReader(path: string): void {
  const reader = readers.get(path);
  if (reader === undefined) return;
  readers.delete(path);
  reader.close();
}

export function closeAllReaders(): void {
  for (const reader of readers.values()) reader.close();
  readers.clear();
}
