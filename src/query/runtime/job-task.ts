import type { JobColumns, ScanJob } from '../../store/backend.js';
import type { ReadBuffers } from '../../store/encoding/column-alloc.js';
import { isSealedLocation } from '../../store/read/location.js';
import { readSealedJob } from '../../store/read/read-sealed.js';
import { readOptionsOf } from '../exec/address-dicts.js';
import type { JobGroupKernel, JobPartial, JobSpec, RunJobKernel } from '../exec/job-contract.js';

/**
 * What the pool posts to a job worker: a reduce task, or the spec and the job, and for a job a worker cannot read
 * itself (open data, read on the main thread) its columns, transferred. A `batch` names several
 * sealed jobs the worker reads and runs in turn: with `combine`, into one partial through the
 * group kernel; without, one partial each, returned as an array in job order.
 */
export type JobTask = ScanTask | ReduceTask;

export interface ScanTask {
  readonly spec: JobSpec;
  readonly job: ScanJob;
  readonly columns?: JobColumns | undefined;
  readonly batch?: { readonly jobs: readonly ScanJob[]; readonly combine: boolean } | undefined;
}

/** A reduce task of a query (JobExecutor.reduce), run by the group kernel's `reduce`. */
export interface ReduceTask {
  readonly spec: JobSpec;
  readonly reduce: unknown;
}

/** Options of the job worker script (workerData). */
export interface JobWorkerData {
  /**
   * Module URL exporting `runJobKernel` (and optionally `jobGroupKernel`); defaults to
   * src/query/exec/kernel-entry (tests use their own).
   */
  readonly kernelModule?: string | undefined;
}

/** True when a worker thread can read the job itself: sealed data in the embedded store's files. */
export function readableInWorker(job: ScanJob): boolean {
  return job.sealed && isSealedLocation(job.location);
}

/**
 * Runs one task. With `buffers`, sealed columns are decoded into memory reused from the previous job
 * (the kernel is done with them by then; a partial holding a view of them is transferred or copied
 * when posted, before the next read — so batches, whose partials wait for the next jobs, are only
 * sent for aggregate specs, whose partials are copies). With `seconds`, each job's time (read and
 * kernel) is pushed to it; in a combined batch a job's time runs from its read to the next job's,
 * the last one also taking the group kernel's final emission. Address columns are asked for in
 * dictionary form (address-dicts.ts), which the kernels take as well as rows.
 */
export function runJobTask(
  task: JobTask,
  kernel: RunJobKernel,
  buffers?: ReadBuffers,
  group?: JobGroupKernel,
  seconds?: number[],
): JobPartial {
  if ('reduce' in task) {
    if (group?.reduce === undefined) throw new Error('the kernel module exports no reduce');
    return group.reduce(task.spec, task.reduce);
  }
  const { spec, batch } = task;
  if (batch === undefined) {
    const started = performance.now();
    const partial = kernel(
      spec,
      task.columns ?? readSealedJob(task.job, spec.columns, buffers, readOptionsOf(spec)),
    );
    seconds?.push((performance.now() - started) / 1000);
    return partial;
  }
  if (!batch.combine)
    return batch.jobs.map((job) => {
      const started = performance.now();
      const partial = kernel(spec, readSealedJob(job, spec.columns, buffers, readOptionsOf(spec)));
      seconds?.push((performance.now() - started) / 1000);
      return partial;
    });
  if (group === undefined) throw new Error('the kernel module exports no jobGroupKernel');
  const marks: number[] = [];
  const partial = group.run(spec, readEach(batch.jobs, spec, buffers, marks));
  if (seconds !== undefined && marks.length > 0) {
    marks.push(performance.now());
    for (let i = 1; i < marks.length; i++) seconds.push((marks[i]! - marks[i - 1]!) / 1000);
  }
  return partial;
}

/** The jobs' columns one by one, noting the time each job's read starts in `marks`. */
function* readEach(
  jobs: readonly ScanJob[],
  spec: JobSpec,
  buffers: ReadBuffers | undefined,
  marks: number[],
): Generator<JobColumns> {
  const options = readOptionsOf(spec);
  for (const job of jobs) {
    marks.push(performance.now());
    yield readSealedJob(job, spec.columns, buffers, options);
  }
}
