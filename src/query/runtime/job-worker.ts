import { workerData } from 'node:worker_threads';
import { ReadBuffers } from '../../store/encoding/column-alloc.js';
import type { JobGroupKernel, JobPartial, RunJobKernel } from '../exec/job-contract.js';
import { type JobTask, type JobWorkerData, runJobTask } from './job-task.js';
import { serveTasks } from './worker-protocol.js';

/**
 * The query job worker thread: reads a sealed job's columns from the segment files (this thread's
 * reader cache, into reused buffers) or takes the columns the main thread posted, and runs the kernel. Errors —
 * StaleJobError, CorruptSegmentError, a kernel's QueryError — go back serialized and are revived
 * as the same classes on the main thread.
 */
const data = (workerData ?? {}) as JobWorkerData;
const kernelModule = data.kernelModule ?? new URL('../exec/kernel-entry.js', import.meta.url).href;
interface KernelModule {
  readonly runJobKernel: RunJobKernel;
  readonly jobGroupKernel?: JobGroupKernel | undefined;
}
const kernel: Promise<KernelModule> = import(kernelModule).then((m: KernelModule) => {
  if (typeof m.runJobKernel !== 'function') throw new Error(`${kernelModule} exports no runJobKernel`);
  return m;
});
// Reported with the first task instead of crashing the thread as an unhandled rejection.
kernel.catch(() => undefined);

// One job at a time per thread: its columns are dead once the kernel returned.
const buffers = new ReadBuffers();

serveTasks<JobTask, JobPartial>(async (task, seconds) => {
  const m = await kernel;
  return runJobTask(task, m.runJobKernel, buffers, m.jobGroupKernel, seconds);
});
