import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openSegment } from '../src/store/segment/index.js';
import { standardColumnNames } from './store-columns.js';

/**
 * What the store holds on disk, read from the segment files themselves: the compressed bytes of
 * each standard column (summed over every part of every flows segment), the segment files'
 * total size, and everything under the data directory (WAL leftovers, rollups, catalog state).
 * The part-level blocks of format version 4 (the repeat map and the address dictionary src_addr
 * and dst_addr share) hold standard-column data and count with the standard columns, as
 * `(repeat map)` and `(shared address dictionary)`.
 */
export interface StoreSize {
  segment_files: number;
  rows: number;
  parts: number;
  /** Compressed bytes of the standard columns. */
  column_bytes: number;
  /** Every flows segment file, whole: all columns, headers, footers, statistics. */
  segment_bytes: number;
  /** Rollup segments (hourly/daily aggregates), when maintenance has built them. */
  rollup_bytes: number;
  /** WAL files still on disk (the store deletes a WAL file once all its rows are sealed). */
  wal_bytes: number;
  /** Everything under the data directory. */
  data_dir_bytes: number;
  per_column: Record<string, number>;
}

export function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, out);
    else out.push(path);
  }
  return out;
}

export function measureStore(dataDir: string): StoreSize {
  const perColumn: Record<string, number> = Object.fromEntries(
    [...standardColumnNames, '(repeat map)', '(shared address dictionary)'].map((n) => [n, 0]),
  );
  const size: StoreSize = {
    segment_files: 0,
    rows: 0,
    parts: 0,
    column_bytes: 0,
    segment_bytes: 0,
    rollup_bytes: 0,
    wal_bytes: 0,
    data_dir_bytes: 0,
    per_column: perColumn,
  };
  for (const path of listFiles(dataDir)) {
    const bytes = statSync(path).size;
    size.data_dir_bytes += bytes;
    if (path.endsWith('.wal')) size.wal_bytes += bytes;
    if (!path.endsWith('.seg')) continue;
    const reader = openSegment(path);
    try {
      const { meta } = reader;
      if (meta.header.table !== 'flows') {
        size.rollup_bytes += meta.bytes;
        continue;
      }
      size.segment_files++;
      size.segment_bytes += meta.bytes;
      for (const part of meta.parts) {
        size.parts++;
        size.rows += part.rows;
        for (const col of part.columns) {
          if (col.name in perColumn) perColumn[col.name]! += col.bytes;
        }
        perColumn['(repeat map)']! += part.partBlocks.repeats;
        perColumn['(shared address dictionary)']! += part.partBlocks.addresses;
      }
    } finally {
      reader.close();
    }
  }
  size.column_bytes = Object.values(perColumn).reduce((a, b) => a + b, 0);
  return size;
}
