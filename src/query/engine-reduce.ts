import type { ResultCollector } from './exec/collect.js';
import type { JobExecutor, JobSpec, ReduceOptions } from './exec/job-contract.js';
import { REDUCE_MIN_GROUPS, type ReduceTask } from './exec/reduce.js';

/** Groups held back past which the workers merge them (at the end of the jobs, and midway). */
export interface ReduceThresholds {
  readonly final: number;
  /** While the jobs still run (about 28 bytes each in shared memory): bounds a query's memory. */
  readonly midway: number;
}

export const defaultReduceThresholds: ReduceThresholds = { final: REDUCE_MIN_GROUPS, midway: 32_000_000 };

/**
 * A flows query's many-group partials merged on the workers (src/query/exec/reduce.ts) instead of
 * the coordinator: midway when too many are held back, and once the jobs are done. Undefined from
 * `start` when the executor cannot reduce or the query's partials do not allow it.
 */
export class WorkerReduce {
  private running: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  private constructor(
    private readonly collector: ResultCollector,
    private readonly run: (tasks: readonly ReduceTask[]) => Promise<unknown[]>,
    private readonly thresholds: ReduceThresholds,
  ) {}

  static start(
    collector: ResultCollector,
    executor: JobExecutor,
    spec: JobSpec,
    options: ReduceOptions,
    thresholds = defaultReduceThresholds,
  ): WorkerReduce | undefined {
    const reduce = executor.reduce?.bind(executor);
    if (reduce === undefined || !collector.holdForReduce()) return undefined;
    return new WorkerReduce(collector, (tasks) => reduce(spec, tasks, options), thresholds);
  }

  /** After each partial: a midway merge when too many groups are held back and none is running. */
  check(): void {
    if (this.running !== undefined || this.collector.pendingGroups < this.thresholds.midway) return;
    this.running = this.collector
      .reduce(this.run, false)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Once every partial arrived: the midway merge awaited, then the final one (top groups only). */
  async finish(): Promise<void> {
    await this.running;
    if (this.failure !== undefined) throw this.failure.error;
    if (this.collector.pendingGroups >= this.thresholds.final) await this.collector.reduce(this.run, true);
  }

  /** Lets a midway merge still running settle (a failed query must not leave it behind). */
  async settle(): Promise<void> {
    await this.running;
  }
}
