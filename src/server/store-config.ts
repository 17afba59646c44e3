import { defaultCompactionConfig } from '../store/compact/compactor.js';
import { defaultRollupConfig } from '../store/rollup/builder.js';
import type { StoreConfig } from '../store/store.js';
import { parseFsyncPolicy } from '../store/wal/wal-file.js';
import type { ServerConfig } from './config.js';

/**
 * The embedded store's configuration from the server's. The few operator-facing knobs (retention,
 * fsync, grace, compaction age, maintenance interval) are set directly; the write path's finer
 * timers follow the grace period, so a short grace (tests, demos) also seals and rolls the WAL
 * often, and the defaults (90 s grace) give the store's own defaults:
 *   seal check  every grace/4, between 100 ms and 5 s
 *   late delay  late rows are collected for min(grace, 10 s), at least 100 ms, before sealing
 *   WAL roll    a WAL file is closed after min(grace, 60 s), at least 1 s, so sealed ones go soon
 *   retention   runs every 10 maintenance intervals (10 min by default)
 */
export function storeConfigOf(config: ServerConfig, dataDir: string): StoreConfig {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
  return {
    dataDir,
    write: {
      fsync: parseFsyncPolicy(config.fsync),
      graceMs: config.graceMs,
      sealCheckMs: clamp(config.graceMs / 4, 100, 5_000),
      lateDelayMs: clamp(config.graceMs, 100, 10_000),
      walRollMs: clamp(config.graceMs, 1_000, 60_000),
    },
    compaction: { ...defaultCompactionConfig, hourlyAfterMs: config.compactAfterMs },
    rollup: defaultRollupConfig,
    retention: { days: config.retentionDays, tenants: {}, intervalMs: 10 * config.maintenanceIntervalMs },
    maintenanceIntervalMs: config.maintenanceIntervalMs,
  };
}
