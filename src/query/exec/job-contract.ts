import type { JobColumns, Resolution, ScanJob } from '../../store/backend.js';
import type { Expr, OrderKey } from '../plan/plan.js';

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
  /** What the columns are read from: flow minutes or rollups, the devices table, a table-store table, or nothing. */
  readonly source: 'flows' | 'devices' | 'table' | 'none';
  readonly resolution: Resolution;
  /** How each column is held in JobColumns (decides the kernel's array accesses). */
  readonly physical: Readonly<Record<string, PhysicalType>>;
  /** Per-row filter (plan.where). */
  readonly where: Expr | undefined;
  /** Aggregating: one partial per group; otherwise rows. */
  readonly aggregate: boolean;
  readonly groupBy: readonly Expr[];
  readonly aggregates: readonly KernelAggregate[];
  /** Plain queries: the per-row output and ORDER BY expressions, and how many rows a job keeps. */
  readonly output: readonly Expr[];
  readonly orderBy: readonly OrderKey[];
  /** offset + limit when the query has a LIMIT: a job returns at most this many (top) rows. */
  readonly keep: number | undefined;
}

/** u8/u16/u32: integer arrays; f64: Float64Array (u64, time, mac); addr: 16 bytes per row; string: codes. */
export type PhysicalType = 'u8' | 'u16' | 'u32' | 'f64' | 'addr' | 'string';

/**
 * An aggregate as a job computes it. Over rollups, count reads `weight` (flow_count) instead of
 * counting rows, and avg divides by it.
 */
export interface KernelAggregate {
  readonly fn:
    | 'count'
    | 'sum'
    | 'min'
    | 'max'
    | 'avg'
    | 'count_distinct'
    | 'approx_count_distinct'
    | 'percentile_cont';
  readonly arg: Expr | undefined;
  readonly filter: Expr | undefined;
  /** Column summed in place of 1 per row for count and avg's divisor (rollups: 'flow_count'). */
  readonly weight: string | undefined;
}

/** A job's result: plain data with typed arrays, structured-cloneable; opaque to the runtime. */
export type JobPartial = unknown;

/**
 * What a worker runs for a job: the kernel compiled from the spec (cached per spec key in the
 * worker) applied to the job's decoded columns. Implemented by the planner side in
 * src/query/exec/kernel-entry.ts; imported by the worker script.
 */
export type RunJobKernel = (spec: JobSpec, columns: JobColumns) => JobPartial;

/**
 * Optional beside RunJobKernel (src/query/exec/kernel-entry.ts exports one as `jobGroupKernel`):
 * runs a spec over several jobs' columns into one partial, as over one job holding all their
 * rows. Only for specs where `groupable(spec)` holds (aggregates whose state does not depend on a
 * job's dictionaries). The runtime sends a stable group of sealed jobs (a device's whole hour of
 * minutes, or day of hours) to a worker as one task and memoizes the group's one partial.
 */
export interface JobGroupKernel {
  groupable(spec: JobSpec): boolean;
  run(spec: JobSpec, jobs: Iterable<JobColumns>): JobPartial;
  /**
   * Optional: partials of one spec merged into one partial (undefined when that is not possible
   * or not worth it). The runtime memoizes the combination of a repeated query's memo hits.
   */
  combine?(spec: JobSpec, partials: readonly JobPartial[]): JobPartial | undefined;
  /**
   * Optional: runs one reduce task of a query (opaque to the runtime; JobExecutor.reduce posts it
   * to a worker): part of the merge of its partials, done off the coordinator.
   */
  reduce?(spec: JobSpec, task: unknown): JobPartial;
}

/** Estimated bytes a partial holds, for the memo's memory bound. */
export type PartialSize = (partial: JobPartial) => number;

export interface ExecuteOptions {
  readonly tenant: string;
  readonly signal?: AbortSignal | undefined;
  /**
   * Called once per job, in any order, as partials arrive (from the memo or from a worker) — or
   * once for a group of jobs the runtime ran together into one partial (see JobGroupKernel), with
   * the group's first job.
   */
  readonly onPartial: (partial: JobPartial, job: ScanJob) => void;
}

/**
 * Runs every job of a query. Resolves when all partials were delivered; rejects with the first
 * error (QueryError 57014 when the signal aborts; StaleJobError when a job's files went away —
 * the engine plans again).
 */
export interface JobExecutor {
  execute(spec: JobSpec, jobs: readonly ScanJob[], options: ExecuteOptions): Promise<JobExecutionStats>;
  /**
   * Optional: runs reduce tasks (plain data, shared memory for anything large: see
   * src/query/exec/reduce.ts) on the workers through JobGroupKernel.reduce, in parallel;
   * resolves with their partials in task order. Rejects like `execute`.
   */
  reduce?(spec: JobSpec, tasks: readonly unknown[], options: ReduceOptions): Promise<JobPartial[]>;
}

export interface ReduceOptions {
  readonly tenant: string;
  readonly signal?: AbortSignal | undefined;
}

export interface JobExecutionStats {
  readonly jobs: number;
  readonly memoHits: number;
  readonly rowsScanned: number;
}
