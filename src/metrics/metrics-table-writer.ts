import type { Table } from '../store/table/index.js';
import { systemTimerClock, type TimerClock } from './clock.js';
import { metricsRows } from './metrics-table.js';
import type { Registry } from './registry.js';

export interface MetricsTableWriterConfig {
  /** How often the registry is stored; 0 turns the writer off. */
  readonly intervalMs: number;
  /** Hour files that ended longer ago than this are deleted. */
  readonly retentionDays: number;
  /** How often retention runs (it also runs at start). */
  readonly retentionEveryMs: number;
}

export const defaultMetricsTableWriterConfig: MetricsTableWriterConfig = {
  intervalMs: 10_000,
  retentionDays: 30,
  retentionEveryMs: 3_600_000,
};

export interface MetricsTableWriterDeps {
  readonly registry: Registry;
  readonly table: Pick<Table, 'append' | 'applyRetention' | 'stats'>;
  readonly log: (line: string) => void;
  /** Wall clock for the rows' time and the interval. */
  readonly clock?: TimerClock | undefined;
}

/**
 * Stores the registry in the `metrics` table every intervalMs (src/metrics/metrics-table.ts), so
 * that flowlens graphs itself with SQL. `create` does no I/O; `start` schedules; `stop` stores a
 * last snapshot. A snapshot that cannot be written is counted and logged once per outage, and the
 * next interval tries again; a snapshot due while the previous one is still being written is
 * skipped (a slow disk does not pile up writes).
 */
export class MetricsTableWriter {
  private readonly clock: TimerClock;
  private cancelTimer: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;
  private started = false;
  private failing = false;
  private lastRetention = Number.NEGATIVE_INFINITY;
  readonly counters = { snapshots: 0, rows: 0, failures: 0, skipped: 0 };

  constructor(
    private readonly deps: MetricsTableWriterDeps,
    readonly config: MetricsTableWriterConfig,
  ) {
    this.clock = deps.clock ?? systemTimerClock;
    const r = deps.registry;
    const help = (what: string) => ({ help: `Metrics table: ${what}` });
    r.counterFn(
      'flowlens_metrics_table_rows_total',
      () => this.counters.rows,
      undefined,
      help('rows stored'),
    );
    r.counterFn(
      'flowlens_metrics_table_failed_snapshots_total',
      () => this.counters.failures,
      undefined,
      help('snapshots that could not be stored'),
    );
    r.counterFn(
      'flowlens_metrics_table_skipped_snapshots_total',
      () => this.counters.skipped,
      undefined,
      help('snapshots skipped while the previous one was still being written'),
    );
    r.gaugeFn(
      'flowlens_metrics_table_disk_bytes',
      () => deps.table.stats().diskBytes,
      undefined,
      help('bytes on disk'),
    );
    r.counterFn(
      'flowlens_metrics_table_damaged_blocks_total',
      () => deps.table.stats().corruptBlocks + deps.table.stats().tornTails,
      undefined,
      help('blocks found torn or damaged, cut or skipped'),
    );
  }

  describe(): string {
    return this.config.intervalMs === 0
      ? 'off'
      : `every ${this.config.intervalMs} ms, kept ${this.config.retentionDays} days`;
  }

  start(): void {
    if (this.config.intervalMs === 0 || this.started) return;
    this.started = true;
    this.schedule();
  }

  /** Stores the registry now (after the snapshot being written, if any). */
  async snapshotNow(): Promise<void> {
    await this.inFlight;
    await this.snapshot();
  }

  async stop(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (!this.started) return;
    this.started = false;
    await this.snapshotNow();
  }

  private schedule(): void {
    this.cancelTimer = this.clock.setTimer(this.config.intervalMs, () => {
      if (this.inFlight === undefined) void this.snapshot();
      else this.counters.skipped++;
      this.schedule();
    });
  }

  private snapshot(): Promise<void> {
    const run = this.write().finally(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async write(): Promise<void> {
    const now = Math.floor(this.clock.now());
    try {
      const rows = metricsRows(this.deps.registry, now);
      await this.deps.table.append(rows);
      this.counters.snapshots++;
      this.counters.rows += rows.rows;
      if (this.failing) this.deps.log('metrics table: storing snapshots again');
      this.failing = false;
    } catch (err) {
      this.counters.failures++;
      if (!this.failing) this.deps.log(`metrics table: cannot store a snapshot: ${(err as Error).message}`);
      this.failing = true;
    }
    if (now - this.lastRetention >= this.config.retentionEveryMs) {
      this.lastRetention = now;
      try {
        const deleted = await this.deps.table.applyRetention(now, this.config.retentionDays);
        if (deleted > 0) this.deps.log(`metrics table: retention deleted ${deleted} hour files`);
      } catch (err) {
        this.deps.log(`metrics table: retention failed: ${(err as Error).message}`);
      }
    }
  }
}
