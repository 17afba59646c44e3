import type { Timer } from '../../metrics/timer.js';
import type { ScanJob, StorageBackend } from '../../store/backend.js';
import { readOptionsOf } from '../exec/address-dicts.js';
import type {
  ExecuteOptions,
  JobExecutionStats,
  JobExecutor,
  JobGroupKernel,
  JobPartial,
  JobSpec,
  ReduceOptions,
  RunJobKernel,
} from '../exec/job-contract.js';
import { cancelError } from './cancel.js';
import { type JobTask, readableInWorker } from './job-task.js';
import { batches, stableGroups } from './job-units.js';
import { JobMemo } from './memo.js';
import type { PoolQuery } from './pool-query.js';
import { transferablesOf } from './transferables.js';
import type { WorkerPool } from './worker-pool.js';

export interface PoolExecutorDeps {
  readonly backend: StorageBackend;
  readonly pool: WorkerPool<JobTask, JobPartial>;
  readonly memo: JobMemo;
  /** The kernel, for jobs run on the main thread (small jobs read here). */
  readonly runKernel: RunJobKernel;
  /** The group kernel of the workers' kernel module (its spec check and combine); none: no groups. */
  readonly groupKernel?: Pick<JobGroupKernel, 'groupable' | 'combine' | 'reduce'> | undefined;
  /**
   * A job the workers cannot read (open data) is read on the main thread; with at most this many
   * rows its kernel runs right here, above it the columns are posted to a worker (transferred).
   */
  readonly mainThreadRows?: number | undefined;
  /** Times the jobs run on the main thread (read and kernel); the workers report theirs. */
  readonly jobTimer?: Pick<Timer, 'start' | 'stop'> | undefined;
}

/** Stores that quarantine corrupt files and count stale reads done outside them (EmbeddedStore). */
interface ReadErrorSink {
  reportReadError(tenant: string, err: unknown): Promise<void>;
}

type Pending = PoolQuery<JobTask, JobPartial>;

/**
 * Runs a query's jobs: memoized partials of sealed jobs are delivered without touching a worker;
 * the others go to the worker pool (sealed: read there, several per task — see job-units.ts; open:
 * read here, then posted or run here). The first error fails the query and drops its queued jobs.
 */
export class PoolExecutor implements JobExecutor {
  private readonly mainThreadRows: number;
  /** Present when the workers' kernel module can reduce (JobGroupKernel.reduce). */
  readonly reduce: JobExecutor['reduce'];

  constructor(private readonly deps: PoolExecutorDeps) {
    this.mainThreadRows = deps.mainThreadRows ?? 4096;
    this.reduce =
      deps.groupKernel?.reduce === undefined
        ? undefined
        : (spec, tasks, options) => this.runReduce(spec, tasks, options);
  }

  async execute(
    spec: JobSpec,
    jobs: readonly ScanJob[],
    options: ExecuteOptions,
  ): Promise<JobExecutionStats> {
    const { signal, onPartial } = options;
    if (signal?.aborted) throw cancelError(signal);
    const { memo, pool, groupKernel } = this.deps;
    const units =
      groupKernel?.groupable(spec) === true
        ? await stableGroups(jobs, this.deps.backend, pool.size)
        : { groups: [], rest: [...jobs] };
    if (signal?.aborted) throw cancelError(signal);
    const query = pool.open(signal);
    const hits: [ScanJob, JobPartial][] = [];
    /** What each hit stands for: a job's data, or a group's memo key. */
    const hitIds: string[] = [];
    const work: Promise<void>[] = [];
    let rowsScanned = 0;
    let memoHits = 0;
    const deliver = (job: ScanJob) => (partial: JobPartial) => {
      if (query.failed === undefined) onPartial(partial, job);
    };
    try {
      // Largest groups first: the last tasks to finish are then the small ones.
      const groups = units.groups.sort((a, b) => rowsOf(b) - rowsOf(a));
      for (const group of groups) {
        const key = JobMemo.groupKey(group, spec);
        const memoized = key === undefined ? undefined : memo.get(key);
        if (memoized !== undefined) {
          hits.push([group[0]!, memoized]);
          hitIds.push(key!);
          memoHits += group.length;
          continue;
        }
        rowsScanned += rowsOf(group);
        work.push(this.runBatch(query, spec, group, [key], true).then((p) => deliver(group[0]!)(p[0])));
      }
      const misses: ScanJob[] = [];
      const keys = new Map<ScanJob, string | undefined>();
      for (const job of units.rest) {
        const key = JobMemo.key(job, spec);
        const memoized = key === undefined ? undefined : memo.get(key);
        if (memoized !== undefined) {
          hits.push([job, memoized]);
          hitIds.push(job.dataId!);
          memoHits++;
          continue;
        }
        rowsScanned += job.rows;
        misses.push(job);
        keys.set(job, key);
      }
      // Batches only for aggregates: a partial of theirs copies what it keeps of the columns.
      const cut = spec.aggregate ? batches(misses, pool.size) : { groups: [], rest: misses };
      for (const batch of cut.groups) {
        const batchKeys = batch.map((j) => keys.get(j));
        work.push(
          this.runBatch(query, spec, batch, batchKeys, false).then((partials) => {
            for (let i = 0; i < partials.length; i++) deliver(batch[i]!)(partials[i]);
          }),
        );
      }
      for (const job of cut.rest)
        work.push(this.run(query, spec, job, keys.get(job), options.tenant).then(deliver(job)));
      // Workers are busy with the misses meanwhile.
      const combined = hits.length >= MIN_COMBINED ? this.combinedHits(spec, hits, hitIds) : undefined;
      if (combined !== undefined) onPartial(combined, hits[0]![0]);
      else for (const [job, partial] of hits) onPartial(partial, job);
      await settle(work, signal);
    } catch (err) {
      query.fail(err instanceof Error ? err : new Error(String(err)));
      throw query.failed ?? err;
    } finally {
      query.close();
    }
    return { jobs: jobs.length, memoHits, rowsScanned };
  }

  /** Reduce tasks of a query, on the workers in parallel (their partials in task order). */
  private async runReduce(
    spec: JobSpec,
    tasks: readonly unknown[],
    options: ReduceOptions,
  ): Promise<JobPartial[]> {
    const { signal } = options;
    if (signal?.aborted) throw cancelError(signal);
    const query = this.deps.pool.open(signal);
    try {
      const results: JobPartial[] = new Array(tasks.length);
      await settle(
        tasks.map((task, i) =>
          query.submit({ spec, reduce: task }).then((r) => {
            results[i] = r;
          }),
        ),
        signal,
      );
      return results;
    } catch (err) {
      query.fail(err instanceof Error ? err : new Error(String(err)));
      throw query.failed ?? err;
    } finally {
      query.close();
    }
  }

  /**
   * The memo hits of a query as one partial: memoized under the whole set of hits (a query
   * repeated over the same sealed data merges one partial instead of one per job), made from
   * them when new — undefined when the kernel cannot combine these partials.
   */
  private combinedHits(
    spec: JobSpec,
    hits: readonly [ScanJob, JobPartial][],
    ids: readonly string[],
  ): JobPartial | undefined {
    const combine = this.deps.groupKernel?.combine;
    if (combine === undefined) return undefined;
    const key = JobMemo.combinedKey(ids, spec);
    const memoized = this.deps.memo.get(key);
    if (memoized !== undefined) return memoized;
    const partial = combine(
      spec,
      hits.map(([, p]) => p),
    );
    if (partial !== undefined) this.deps.memo.set(key, partial);
    return partial;
  }

  /**
   * Several sealed jobs in one task: combined into one partial (memo key `keys[0]`), or one
   * partial per job (memo keys in job order).
   */
  private async runBatch(
    query: Pending,
    spec: JobSpec,
    jobs: readonly ScanJob[],
    keys: readonly (string | undefined)[],
    combine: boolean,
  ): Promise<JobPartial[]> {
    let result: JobPartial;
    try {
      result = await query.submit({ spec, job: jobs[0]!, batch: { jobs, combine } });
    } catch (err) {
      if (isReadError(err))
        await (this.deps.backend as Partial<ReadErrorSink>).reportReadError?.(jobs[0]!.tenant, err);
      throw err;
    }
    const partials = combine ? [result] : (result as JobPartial[]);
    partials.forEach((p, i) => {
      const key = keys[i];
      if (key !== undefined) this.deps.memo.set(key, p);
    });
    return partials;
  }

  private async run(
    query: Pending,
    spec: JobSpec,
    job: ScanJob,
    key: string | undefined,
    tenant: string,
  ): Promise<JobPartial> {
    let partial: JobPartial;
    if (readableInWorker(job)) {
      try {
        partial = await query.submit({ spec, job });
      } catch (err) {
        if (isReadError(err))
          await (this.deps.backend as Partial<ReadErrorSink>).reportReadError?.(tenant, err);
        throw err;
      }
    } else {
      const started = this.deps.jobTimer?.start();
      const columns = await this.deps.backend.read(job, spec.columns, readOptionsOf(spec));
      if (query.failed !== undefined) throw query.failed;
      if (columns.rows <= this.mainThreadRows) {
        partial = this.deps.runKernel(spec, columns);
        if (started !== undefined) this.deps.jobTimer!.stop(started);
      } else partial = await query.submit({ spec, job, columns }, transferablesOf(columns));
    }
    if (key !== undefined) this.deps.memo.set(key, partial);
    return partial;
  }
}

/** Memo hits worth combining into one memo entry (fewer merge about as fast one by one). */
const MIN_COMBINED = 8;

function rowsOf(jobs: readonly ScanJob[]): number {
  let rows = 0;
  for (const job of jobs) rows += job.rows;
  return rows;
}

function isReadError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'stale_job' || code === 'corrupt_segment';
}

/** All jobs delivered, or the first error, or the signal's abort, whichever comes first. */
async function settle(work: Promise<void>[], signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) {
    await Promise.all(work);
    return;
  }
  if (signal.aborted) throw cancelError(signal);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelError(signal));
  });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([Promise.all(work), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
