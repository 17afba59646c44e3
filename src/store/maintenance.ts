import type { RateLimitedErrorLog } from '../ingest/error-log.js';
import type { Catalog } from './catalog/catalog.js';
import { isCorruption } from './catalog/quarantine.js';
import { type CompactionConfig, compactTenant } from './compact/compactor.js';
import { recoverCompactions } from './compact/intent.js';
import { applyRetention, type RetentionConfig } from './retention.js';
import { buildRollups, type RollupConfig } from './rollup/builder.js';
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

  constructor(private readonly ctx: MaintenanceContext) {}

  /** Compaction then rollups for every tenant. */
  compactAndRollUp(now: number): Promise<void> {
    return this.serial(async () => {
      this.stats.runs++;
      for (const tenant of this.ctx.catalog.tenantNames()) {
        await this.guard(tenant, async () => {
          const target = { dataDir: this.ctx.dataDir, catalog: this.ctx.catalog, tenant };
          // Finish rewrites whose input deletion failed earlier (nothing else is running now).
          await recoverCompactions(tenantDir(this.ctx.dataDir, tenant));
          const c = await compactTenant(target, this.ctx.compaction, now, this.ctx.hasOpenRows);
          this.stats.minutesMerged += c.minutesMerged;
          this.stats.hoursCompacted += c.hoursCompacted;
          this.stats.filesReplaced += c.filesReplaced;
          this.stats.skippedTooLarge += c.skippedTooLarge;
          const r = await buildRollups(target, this.ctx.rollup, now, this.ctx.hasOpenRows);
          this.stats.rollupHours += r.hours;
          this.stats.rollupDays += r.days;
        });
      }
    });
  }

  retention(now: number): Promise<number> {
    return this.serial(async () => {
      const buckets = await applyRetention(this.ctx.catalog, this.ctx.retention, now);
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
      if (isCorruption(err) && typeof (err as { path?: unknown }).path === 'string') {
        await this.ctx.quarantine(tenant, (err as { path: string }).path, err as Error);
        return;
      }
      this.ctx.errorLog.error('store_maintenance', `tenant ${tenant}: ${(err as Error).message}`);
    }
  }
}
