import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import type { WalFile } from '../wal/wal-file.js';
import { listWalFiles, replayWalFile, type WalFileInfo } from '../wal/wal-reader.js';
import { decodeTenant, minuteDir, storeDir } from './layout.js';
import type { TenantState } from './tenant-state.js';

/** Progress of the WAL replay at start, reported at a bounded rate and once at the end (`done`). */
export interface ReplayProgress {
  readonly files: number;
  readonly filesTotal: number;
  readonly records: number;
  readonly bytes: number;
  readonly bytesTotal: number;
  /** bytes / bytesTotal, 0..100. */
  readonly percent: number;
  readonly rowsReplayed: number;
  /** Rows left out because a segment already holds them (sealed before the crash). */
  readonly rowsSkipped: number;
  /** Files whose end was cut off at a torn or unreadable record, and the bytes cut. */
  readonly tornRecords: number;
  readonly tornBytes: number;
  readonly elapsedMs: number;
  readonly done: boolean;
}

export interface RecoveryOptions {
  readonly dataDir: string;
  readonly schema: readonly ColumnDef[];
  readonly state: (tenant: string) => TenantState;
  readonly coveredLsn: (tenant: string, minute: number) => number;
  readonly onProgress: (progress: ReplayProgress) => void;
  readonly progressIntervalMs: number;
}

export interface RecoveredTenant {
  readonly tenant: string;
  readonly files: WalFile[];
  /** The next LSN to assign: above every LSN seen and every file's start. */
  readonly nextLsn: number;
}

/**
 * Replays every tenant's WAL into open buffers: files in LSN order, rows of minutes whose
 * segments already cover the record's LSN skipped (so a crash between sealing and deleting the
 * WAL duplicates nothing), torn tails truncated and counted. Leftover segment .tmp files of the
 * replayed minutes are removed.
 */
export async function recoverWal(
  options: RecoveryOptions,
): Promise<{ tenants: RecoveredTenant[]; progress: ReplayProgress }> {
  const started = performance.now();
  const found: { tenant: string; files: WalFileInfo[] }[] = [];
  for (const name of await listDir(storeDir(options.dataDir))) {
    const files = await listWalFiles(join(storeDir(options.dataDir), name, 'wal'));
    if (files.length > 0) found.push({ tenant: decodeTenant(name), files });
  }
  const p = {
    files: 0,
    filesTotal: found.reduce((n, t) => n + t.files.length, 0),
    records: 0,
    bytes: 0,
    bytesTotal: found.reduce((n, t) => n + t.files.reduce((b, f) => b + f.bytes, 0), 0),
    percent: 0,
    rowsReplayed: 0,
    rowsSkipped: 0,
    tornRecords: 0,
    tornBytes: 0,
    elapsedMs: 0,
    done: false,
  };
  let lastReport = started;
  const report = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastReport < options.progressIntervalMs) return;
    lastReport = now;
    p.elapsedMs = now - started;
    p.percent = p.bytesTotal === 0 ? 100 : (100 * p.bytes) / p.bytesTotal;
    options.onProgress({ ...p });
  };
  const tenants: RecoveredTenant[] = [];
  for (const { tenant, files } of found) {
    const state = options.state(tenant);
    const covered = new Map<number, number>();
    const coveredLsn = (minute: number) => {
      let lsn = covered.get(minute);
      if (lsn === undefined) {
        lsn = options.coveredLsn(tenant, minute);
        covered.set(minute, lsn);
      }
      return lsn;
    };
    const walFiles: WalFile[] = [];
    let nextLsn = 1;
    for (const info of files) {
      let fileBytes = 0;
      const result = await replayWalFile(info, options.schema, (record, file) => {
        const staged = state.stage(record, record.lsn, (minute) => record.lsn <= coveredLsn(minute));
        state.commit(staged, record.lsn, file);
        const rows = staged.rows;
        p.records++;
        p.bytes += record.bytes;
        fileBytes += record.bytes;
        p.rowsReplayed += rows;
        p.rowsSkipped += record.length - rows;
        report(false);
      });
      p.files++;
      p.bytes += info.bytes - Math.min(fileBytes, info.bytes);
      if (result.tornBytes > 0) {
        p.tornRecords++;
        p.tornBytes += result.tornBytes;
      }
      walFiles.push(result.file);
      nextLsn = Math.max(nextLsn, info.startLsn + 1, result.file.maxLsn + 1);
      report(false);
    }
    tenants.push({ tenant, files: walFiles, nextLsn });
    await removeTempSegments(options.dataDir, state);
  }
  p.done = true;
  report(true);
  return { tenants, progress: { ...p } };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A crash while sealing leaves `<name>.seg.tmp`: the rows are in the WAL, so the file goes. */
async function removeTempSegments(dataDir: string, state: TenantState): Promise<void> {
  const dirs = new Set<string>();
  for (const minute of state.minutes.keys()) dirs.add(minuteDir(dataDir, state.tenant, minute));
  for (const dir of dirs) {
    for (const name of await listDir(dir)) {
      if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
    }
  }
}
