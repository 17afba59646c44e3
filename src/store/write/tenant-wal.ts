import type { StoreMetrics } from '../store-metrics.js';
import type { WalStats } from '../wal/stats.js';
import { WalWriter } from '../wal/wal-writer.js';
import { walDir } from './layout.js';
import type { TenantState } from './tenant-state.js';
import type { WritePathConfig } from './write-config.js';

export interface TenantWalContext {
  readonly stats: WalStats;
  readonly now: () => number;
  /** A timed fsync (interval policy) failed: its appends were already acknowledged; report it. */
  readonly fail: (err: unknown) => void;
  readonly metrics: StoreMetrics['wal'];
}

/** A tenant's WAL writer under the write path's fsync policy and file limits, from `nextLsn`. */
export function newTenantWal(
  state: TenantState,
  config: WritePathConfig,
  nextLsn: number,
  ctx: TenantWalContext,
): WalWriter {
  return new WalWriter(
    walDir(config.dataDir, state.tenant),
    { fsync: config.fsync, maxFileBytes: config.walMaxFileBytes, rollMs: config.walRollMs },
    nextLsn,
    ctx.stats,
    ctx.now,
    () => state.rollback(),
    ctx.fail,
    ctx.metrics,
  );
}
