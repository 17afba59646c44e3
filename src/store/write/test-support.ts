import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlowBatch, F, type FlowBatch } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { SegmentHeader, SegmentPartInput } from '../segment/types.js';
import { storeDir } from './layout.js';

/** Test support: small flow batches and a stand-in segment writer (JSON files), for the write-path tests. */

export interface TestRow {
  minute: number;
  device: number;
  bytes: number;
  geo?: string;
}

export function makeBatch(rows: readonly TestRow[]): FlowBatch {
  const batch = createFlowBatch(rows.length);
  const time = batch.col('i_start_time');
  const device = batch.col('i_device_id');
  const bytes = batch.col('in_bytes');
  const src = batch.col('src_addr');
  rows.forEach((row, i) => {
    time[i] = row.minute;
    device[i] = row.device;
    bytes[i] = row.bytes;
    src[i * 16 + 15] = row.bytes & 255;
    batch.setString('src_geo', i, row.geo ?? '');
  });
  batch.length = rows.length;
  return batch;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'flowlens-write-'));
}

interface StoredSegment {
  header: SegmentHeader;
  rows: { minute: number; device: number; bytes: number; geo: string }[];
}

/** Writes segments as JSON (header + a few columns of each row); reads them back for assertions. */
export class StandInSegments {
  writes = 0;

  constructor(private readonly dataDir: string) {}

  readonly writeSegment = (
    path: string,
    header: SegmentHeader,
    _schema: readonly ColumnDef[],
    parts: readonly SegmentPartInput[],
  ): void => {
    this.writes++;
    const rows: StoredSegment['rows'] = [];
    for (const part of parts) {
      const a = part.batch.arrays;
      for (const r of part.rows) {
        rows.push({
          minute: a[F.i_start_time]![r]!,
          device: a[F.i_device_id]![r]!,
          bytes: a[F.in_bytes]![r]!,
          geo: part.batch.dicts[F.src_geo]!.values[a[F.src_geo]![r]!]!,
        });
        if (a[F.i_device_id]![r] !== part.deviceId || a[F.i_start_time]![r] !== part.bucket)
          throw new Error('bad part');
      }
    }
    writeFileSync(path, JSON.stringify({ header, rows } satisfies StoredSegment));
  };

  readonly coveredLsn = (tenant: string, minute: number): number => {
    let lsn = 0;
    for (const seg of this.segments(tenant)) {
      if (seg.rows.some((row) => row.minute === minute)) lsn = Math.max(lsn, seg.header.walLsn);
    }
    return lsn;
  };

  files(): string[] {
    return walk(storeDir(this.dataDir)).filter((f) => f.endsWith('.seg'));
  }

  segments(tenant?: string): StoredSegment[] {
    return this.files()
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as StoredSegment)
      .filter((s) => tenant === undefined || s.header.tenant === tenant);
  }

  /** Every stored row's bytes value, sorted (to compare with what was acknowledged). */
  storedBytes(tenant?: string): number[] {
    return this.segments(tenant)
      .flatMap((s) => s.rows.map((row) => row.bytes))
      .sort((a, b) => a - b);
  }
}

export function walk(dir: string): string[] {
  let out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out = out.concat(walk(path));
    else out.push(path);
  }
  return out.sort();
}

/** A promise and the function that resolves it: a test's gate, or an event it awaits. */
export function signal(): { readonly promise: Promise<void>; readonly fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}
