import type { RateLimitedErrorLog } from '../log/rate-limited.js';
import type { Catalog } from './catalog/catalog.js';
import { isCorruption } from './catalog/quarantine.js';
import { type CompactionConfig, compactTenant } from './compact/compactor.js';
import { recoverCompactions } from './compact/intent.js';
import { applyRetention, type RetentionConfig } from './retention.js';
import { buildRollups, type RollupConfig } from './rollup/builder.js';
import type { StoreMetrics, StoreOperation } from './store-metrics.js';
import { tenantDir } from './write/layout.js';

export interface MaintenanceStats {
  runs: number;
  minutesMerged: number;
  hoursCompacted: number;
  filesReplaced: number;
  skippedTooLarge: number;
  rollupHours: number;
  rollupDays: number;
  retentionBuckets: number;
  errors: number;
}

export interface MaintenanceContext {
  readonly dataDir: string;
  readonly catalog: Catalog;
  readonly compaction: CompactionConfig;
  readonly rollup: RollupConfig;
  readonly retention: RetentionConfig;
  readonly hasOpenRows: (tenant: string, from: number, to: number) => boolean;
  readonly quarantine: (tenant: string, path: string, err: Error) => Promise<void>;
  readonly errorLog: RateLimitedErrorLog;
  readonly metrics: StoreMetrics;
}

/**
 * The store's background work — compaction, rollups, retention — run one task at a time (a rewrite
 * and a deletion never race over the same files), each tenant on its own so one tenant's trouble
 * does not stop the others. A segment found corrupt on the way is quarantined.
 */
export class Maintenance {
  readonly stats: MaintenanceStats = {
    runs: 0,
    minutesMerged: 0,
    hoursCompacted: 0,
    filesReplaced: 0,
    skippedTooLarge: 0,
    rollupHours: 0,
    rollupDays: 0,
    retentionBuckets: 0,
    errors: 0,
  };
  private queue: Promise<unknown> = Promise.resolve();
  /** What the running task is doing, for the error counter's operation tag (tasks run one at a time). */
  private step: StoreOperation = 'compaction';

  constructor(private readonly ctx: MaintenanceContext) {}

  /** Compaction then rollups for every tenant. */
  compactAndRollUp(now: number): Promise<void> {
    const metrics = this.ctx.metrics;
    return this.serial(async () => {
      this.stats.runs++;
      const t0 = metrics.maintenance.start();
      for (const tenant of this.ctx.catalog.tenantNames()) {
        await this.guard(tenant, async () => {
          const target = { dataDir: this.ctx.dataDir, catalog: this.ctx.catalog, tenant };
          this.step = 'compaction';
          // Finish rewrites whose input deletion failed earlier (nothing else is running now).
          await recoverCompactions(tenantDir(this.ctx.dataDir, tenant));
          const c = await compactTenant(
            target,
            this.ctx.compaction,
            now,
            this.ctx.hasOpenRows,
            metrics.compaction,
          );
          this.stats.minutesMerged += c.minutesMerged;
          this.stats.hoursCompacted += c.hoursCompacted;
          this.stats.filesReplaced += c.filesReplaced;
          this.stats.skippedTooLarge += c.skippedTooLarge;
          this.step = 'rollup';
          const r = await buildRollups(target, this.ctx.rollup, now, this.ctx.hasOpenRows, metrics.rollup);
          this.stats.rollupHours += r.hours;
          this.stats.rollupDays += r.days;
        });
      }
      metrics.maintenance.stop(t0);
    });
  }

  retention(now: number): Promise<number> {
    return this.serial(async () => {
      let buckets: number;
      try {
        buckets = await applyRetention(this.ctx.catalog, this.ctx.retention, now, this.ctx.metrics.retention);
      } catch (err) {
        this.stats.errors++;
        this.ctx.metrics.error('retention', err);
        throw err;
      }
      this.stats.retentionBuckets += buckets;
      return buckets;
    });
  }

  /** Resolves when the task queued last has finished. */
  idle(): Promise<void> {
    return this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async guard(tenant: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.stats.errors++;
      this.ctx.metrics.error(this.step, err);
      if (isCorruption(err) && typeof (err as { path?: unknown }).path === 'string') {
        await this.ctx.quarantine(tenant, (err as { path: string }).path, err as Error);
        return;
      }
      this.ctx.errorLog.error('store_maintenance', `tenant ${tenant}: ${(err as Error).message}`, { tenant });
    }
  }
}
