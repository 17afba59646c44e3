import { newWalStats, type WalStats } from '../wal/stats.js';
import type { ReplayProgress } from './recovery.js';
import type { TenantState } from './tenant-state.js';

/** Counters and gauges of the write path (exported by the store as flowlens_store_*). */
export interface WriteStats {
  appendedRows: number;
  /** Appends and seals rejected because the disk is full (store_disk_full). */
  diskFull: number;
  /** Other write failures (store_write_failed). */
  writeErrors: number;
  segments: number;
  lateSegments: number;
  sealedRows: number;
  /** Bytes of the segment files sealed (minute and late). */
  sealedBytes: number;
  sealErrors: number;
  /** Wall time of seals (concurrent seals overlap). */
  sealMs: number;
  /** CPU time of the seal worker threads (0 when the segment writer runs on the main thread). */
  sealCpuMs: number;
  /** Appends that waited for a seal round because the seal backlog was over maxSealBacklogRows. */
  backpressureWaits: number;
  /** The replay at the last start. */
  replay: ReplayProgress | undefined;
  wal: WalStats;
  openBuffers: number;
  openRows: number;
  openBytes: number;
  walBytes: number;
  walFiles: number;
}

export function newWriteStats(): WriteStats {
  return {
    appendedRows: 0,
    diskFull: 0,
    writeErrors: 0,
    segments: 0,
    lateSegments: 0,
    sealedRows: 0,
    sealedBytes: 0,
    sealErrors: 0,
    sealMs: 0,
    sealCpuMs: 0,
    backpressureWaits: 0,
    replay: undefined,
    wal: newWalStats(),
    openBuffers: 0,
    openRows: 0,
    openBytes: 0,
    walBytes: 0,
    walFiles: 0,
  };
}

/** The counters plus gauges summed over the tenants' open buffers and WAL files. */
export function collectStats(counters: WriteStats, wal: WalStats, states: Iterable<TenantState>): WriteStats {
  const out: WriteStats = {
    ...counters,
    wal: { ...wal },
    openBuffers: 0,
    openRows: 0,
    openBytes: 0,
    walBytes: 0,
    walFiles: 0,
  };
  for (const state of states) {
    for (const buffer of state.buffers()) {
      out.openBuffers++;
      out.openRows += buffer.rows;
      out.openBytes += buffer.columns.bytes();
    }
    out.walBytes += state.wal?.files.bytesOnDisk() ?? 0;
    out.walFiles += state.wal?.files.count() ?? 0;
  }
  return out;
}

/** A tenant's open (unsealed) rows, the minutes they fall in and their column bytes; its WAL files. */
export interface TenantTotals {
  readonly openRows: number;
  readonly openMinutes: number;
  readonly openBytes: number;
  readonly walFiles: number;
  readonly walBytes: number;
}

export function tenantTotals(state: TenantState | undefined): TenantTotals {
  let openRows = 0;
  let openBytes = 0;
  if (state !== undefined)
    for (const list of state.minutes.values())
      for (const buffer of list) {
        openRows += buffer.rows;
        openBytes += buffer.columns.bytes();
      }
  return {
    openRows,
    openMinutes: state?.minutes.size ?? 0,
    openBytes,
    walFiles: state?.wal?.files.count() ?? 0,
    walBytes: state?.wal?.files.bytesOnDisk() ?? 0,
  };
}
