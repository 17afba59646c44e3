import type { Timer } from '../../metrics/timer.js';
import type { ScanJob, StorageBackend } from '../../store/backend.js';
import { QueryError, SqlState } from '../errors.js';
import { readOptionsOf } from './address-dicts.js';
import type { ExecuteOptions, JobExecutionStats, JobExecutor, JobSpec } from './job-contract.js';
import { runJobKernel } from './kernel-entry.js';

export function canceledError(): QueryError {
  return new QueryError(SqlState.queryCanceled, 'canceling statement due to user request');
}

/**
 * Runs every job on the calling thread, one after the other: backend.read, then the kernel. For
 * tests and as the fallback when worker threads are off. Checks the signal between jobs. With
 * `jobTimer`, each job's read and kernel are timed.
 */
export class InProcessExecutor implements JobExecutor {
  constructor(
    private readonly backend: Pick<StorageBackend, 'read'>,
    private readonly jobTimer?: Pick<Timer, 'start' | 'stop'>,
  ) {}

  async execute(
    spec: JobSpec,
    jobs: readonly ScanJob[],
    options: ExecuteOptions,
  ): Promise<JobExecutionStats> {
    let rowsScanned = 0;
    for (const job of jobs) {
      if (options.signal?.aborted) throw canceledError();
      const started = this.jobTimer?.start();
      const columns = await this.backend.read(job, spec.columns, readOptionsOf(spec));
      if (options.signal?.aborted) throw canceledError();
      rowsScanned += columns.rows;
      const partial = runJobKernel(spec, columns);
      if (started !== undefined) this.jobTimer!.stop(started);
      options.onPartial(partial, job);
    }
    return { jobs: jobs.length, memoHits: 0, rowsScanned };
  }
}
