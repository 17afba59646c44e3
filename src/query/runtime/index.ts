import { Registry } from '../../metrics/registry.js';
import type { ServerConfig } from '../../server/config.js';
import type { StorageBackend } from '../../store/backend.js';
import type { JobGroupKernel, JobPartial, PartialSize, RunJobKernel } from '../exec/job-contract.js';
import { jobGroupKernel, runJobKernel } from '../exec/kernel-entry.js';
import type { Clock } from './clock.js';
import type { JobTask, JobWorkerData } from './job-task.js';
import { JobMemo } from './memo.js';
import { PoolExecutor } from './pool-executor.js';
import { QueryLimits, type QueryLimitsConfig } from './query-limits.js';
import { registerRuntimeMetrics, stageTimer } from './runtime-metrics.js';
import { WorkerPool } from './worker-pool.js';

export { cancelError, statementTimeoutError, userCancelError } from './cancel.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { JobTask } from './job-task.js';
export { JobMemo } from './memo.js';
export { PoolExecutor } from './pool-executor.js';
export { QueryLimits, type QuerySignal } from './query-limits.js';
export { WorkerPool } from './worker-pool.js';

export type QueryRuntimeConfig = Pick<ServerConfig, 'queryWorkers' | 'memoBytes'> & QueryLimitsConfig;

export interface QueryRuntimeDeps {
  readonly backend: StorageBackend;
  /** Bytes of a partial, for the memo's bound; a generic estimate by default. */
  readonly partialSize?: PartialSize | undefined;
  /**
   * Module URL exporting `runJobKernel` (and optionally `jobGroupKernel`) for the workers, and the
   * same kernel (and group kernel) for the main thread.
   */
  readonly kernel?:
    | { readonly module: string; readonly run: RunJobKernel; readonly group?: JobGroupKernel | undefined }
    | undefined;
  readonly clock?: Clock | undefined;
  /** Where the pool's, the memo's and the job stage's metrics go; a throwaway registry if absent. */
  readonly metrics?: Registry | undefined;
}

/** The job runtime of the query engine: worker pool, memo, executor and per-tenant limits. */
export interface QueryRuntime {
  readonly pool: WorkerPool<JobTask, JobPartial>;
  readonly memo: JobMemo;
  readonly executor: PoolExecutor;
  readonly limits: QueryLimits;
  stop(): Promise<void>;
}

/** Does no I/O: workers start with the first job. */
export function createQueryRuntime(deps: QueryRuntimeDeps, config: QueryRuntimeConfig): QueryRuntime {
  const workerData: JobWorkerData = { kernelModule: deps.kernel?.module };
  const metrics = deps.metrics ?? new Registry();
  const jobTimer = stageTimer(metrics, 'job');
  const pool = new WorkerPool<JobTask, JobPartial>({
    script: new URL('./job-worker.js', import.meta.url),
    size: config.queryWorkers,
    workerData,
    // A worker's next job waits for it while the main thread merges or plans.
    pipeline: 2,
    onSeconds: (seconds) => {
      for (const s of seconds) jobTimer.update(s);
    },
  });
  const memo = new JobMemo(config.memoBytes, deps.partialSize);
  const executor = new PoolExecutor({
    backend: deps.backend,
    pool,
    memo,
    runKernel: deps.kernel?.run ?? runJobKernel,
    groupKernel: deps.kernel === undefined ? jobGroupKernel : deps.kernel.group,
    jobTimer,
  });
  registerRuntimeMetrics(metrics, pool, memo);
  const limits = new QueryLimits(config, deps.clock);
  return { pool, memo, executor, limits, stop: () => pool.stop() };
}
