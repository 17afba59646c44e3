import type { JobColumns, ScanJob } from '../../store/backend.js';

/**
 * The contract between the query planner/merger (which knows SQL) and the job runtime (worker
 * pool, memo, fair scheduling, which knows nothing of SQL).
 *
 * A query becomes one JobSpec — the work every job of the query does: the columns to read, the
 * row filter, the group keys and the partial aggregates — and a list of ScanJobs (minute × device
 * or rollup bucket × device). Running a spec over one job's columns gives a JobPartial, which the
 * coordinator merges.
 */

/** Plain data (structured-cloneable), so it can be posted to a worker thread. */
export interface JobSpec {
  /**
   * A canonical text of everything that decides the partial (columns, filter, keys, aggregates,
   * constants): two specs with the same key give the same partial over the same data, so
   * `${job.dataId}|${spec.key}` keys the memo.
   */
  readonly key: string;
  /** The columns to read from storage. */
  readonly columns: readonly string[];
}

/** A job's result: plain data with typed arrays, structured-cloneable; opaque to the runtime. */
export type JobPartial = unknown;

/**
 * What a worker runs for a job: the kernel compiled from the spec (cached per spec key in the
 * worker) applied to the job's decoded columns. Implemented by the planner side in
 * src/query/exec/kernel-entry.ts; imported by the worker script.
 */
export type RunJobKernel = (spec: JobSpec, columns: JobColumns) => JobPartial;

/** Estimated bytes a partial holds, for the memo's memory bound. */
export type PartialSize = (partial: JobPartial) => number;

export interface ExecuteOptions {
  readonly tenant: string;
  readonly signal?: AbortSignal | undefined;
  /** Called once per job, in any order, as partials arrive (from the memo or from a worker). */
  readonly onPartial: (partial: JobPartial, job: ScanJob) => void;
}

/**
 * Runs every job of a query. Resolves when all partials were delivered; rejects with the first
 * error (QueryError 57014 when the signal aborts; StaleJobError when a job's files went away —
 * the engine plans again).
 */
export interface JobExecutor {
  execute(spec: JobSpec, jobs: readonly ScanJob[], options: ExecuteOptions): Promise<JobExecutionStats>;
}

export interface JobExecutionStats {
  readonly jobs: number;
  readonly memoHits: number;
  readonly rowsScanned: number;
}
