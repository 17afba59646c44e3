import type { SealMetrics } from '../store-metrics.js';
import { CHUNK_ROWS } from './chunk-pool.js';
import type { StoreError } from './errors.js';
import { type SealReport, type SealRoundControl, sealBacklog, sealDue } from './seal-loop.js';
import type { SealContext, SealedSegment } from './sealer.js';
import type { WriteStats } from './stats.js';
import type { TenantState } from './tenant-state.js';
import type { WritePathConfig } from './write-config.js';

/** Rows due for sealing that make an append start (or wake) a seal round. */
const APPEND_SEAL_ROWS = CHUNK_ROWS;

export interface SealSchedulerDeps {
  readonly config: WritePathConfig;
  readonly seal: SealContext;
  readonly states: Iterable<TenantState>;
  readonly counters: WriteStats;
  readonly metrics: SealMetrics;
  readonly now: () => number;
  readonly isRunning: () => boolean;
  readonly onSegment: (segment: SealedSegment) => void;
  /** Counts and logs a failure; returns it as a StoreError. */
  readonly fail: (err: unknown) => StoreError;
}

/**
 * When the write path seals: one seal round at a time (`sealNow`), started by the timer, by an
 * append that finds a chunk's worth of rows due, or by a full buffer; a running round is woken
 * (`SealRoundControl.poke`) so that minutes that became due join it. Appends wait while the
 * backlog of due rows is above `maxSealBacklogRows` (backpressure).
 */
export class SealScheduler {
  private sealing: Promise<unknown> = Promise.resolve();
  private queued = false;
  /** The running seal round's wake-up (minutes that became due join it). */
  private readonly control: SealRoundControl = {};
  /** When a seal last failed: appends then leave retries to the timer (a full disk). */
  private failedAt = Number.NEGATIVE_INFINITY;
  /** Appends held by backpressure, woken after each sealed buffer. */
  private waiters: (() => void)[] = [];

  constructor(private readonly deps: SealSchedulerDeps) {}

  /**
   * Seals what is due now (or, with `all`, every open buffer: tests and shutdown). Seals run one
   * at a time; each minute's buffers in order, so a late segment never overtakes its minute.
   */
  sealNow(all: boolean): Promise<SealReport> {
    const run = this.sealing.then(() => this.sealDue(all));
    this.sealing = run.catch(() => {});
    return run;
  }

  /** Resolves once the seal rounds started so far have ended. */
  idle(): Promise<unknown> {
    return this.sealing;
  }

  /** Starts a round unless one is queued; wakes the running one. */
  schedule(): void {
    this.control.poke?.();
    if (this.queued) return;
    this.queued = true;
    void this.sealNow(false).finally(() => {
      this.queued = false;
    });
  }

  /** Rows in buffers due for sealing (backpressure sets in above maxSealBacklogRows). */
  backlogRows(): number {
    return sealBacklog(this.deps.config, this.deps.states, this.deps.now());
  }

  /**
   * Before an append, synchronously (an append that need not wait issues its WAL write in the
   * same tick): a backlog worth a seal starts one now, not at the next timer tick (ingest can run
   * minutes ahead of it) — a few rows of an old minute wait for the tick, to gather into fewer
   * segments. Returns whether the backlog is above `maxSealBacklogRows`: then the append must
   * wait for `backpressure()` (the wait is counted in `backpressureWaits`).
   */
  beforeAppend(): boolean {
    const { config, now } = this.deps;
    const backlog = this.backlogRows();
    if (backlog >= APPEND_SEAL_ROWS && now() - this.failedAt >= config.sealCheckMs) this.schedule();
    if (backlog <= config.maxSealBacklogRows) return false;
    this.deps.counters.backpressureWaits++;
    return true;
  }

  /**
   * Waits until sealing brings the backlog under maxSealBacklogRows (checked after each sealed
   * buffer, so appends resume while the seal workers go on), or until a seal round ends whatever
   * it achieved (a failing disk must not stop appends, which the WAL can still take).
   */
  async backpressure(): Promise<void> {
    const round = this.sealNow(false).then(
      () => true,
      () => true,
    );
    const limit = this.deps.config.maxSealBacklogRows;
    while (this.deps.isRunning() && this.backlogRows() > limit) {
      const next = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(false)));
      if (await Promise.race([round, next])) return;
    }
  }

  private sealDue(all: boolean): Promise<SealReport> {
    const deps = this.deps;
    const config = deps.config;
    return sealDue(
      {
        seal: deps.seal,
        graceMs: config.graceMs,
        lateDelayMs: config.lateDelayMs,
        counters: deps.counters,
        metrics: deps.metrics,
        onSegment: (segment) => {
          deps.onSegment(segment);
          // Resumed appends check the backlog once the sealer has dropped the buffer (same tick).
          for (const wake of this.waiters.splice(0)) wake();
        },
        fail: (err) => {
          this.failedAt = deps.now();
          return deps.fail(err);
        },
      },
      deps.states,
      all,
      Math.max(1, config.sealWorkers),
      this.control,
    );
  }
}
