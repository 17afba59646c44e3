import { availableParallelism } from 'node:os';
import { type TransferListItem, Worker } from 'node:worker_threads';
import { QueryError, SqlState } from '../errors.js';
import { reviveError } from './error-transport.js';
import { FairQueue } from './fair-queue.js';
import { PoolQuery, type PoolTask } from './pool-query.js';
import type { ResultMessage, TaskMessage } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** The worker script; it calls `serveTasks` (worker-protocol.ts). */
  readonly script: URL;
  /** Threads; 0 means one per core. */
  readonly size: number;
  readonly workerData?: unknown;
  /**
   * Tasks posted to a worker at once (default 1). With 2, a worker finds its next task waiting
   * when it finishes one, instead of idling until the main thread (busy merging) hands it one.
   */
  readonly pipeline?: number | undefined;
  /** Called on the main thread with the seconds a worker reports for each answered task's jobs. */
  readonly onSeconds?: ((seconds: readonly number[]) => void) | undefined;
}

interface Slot<Task, Result> {
  readonly worker: Worker;
  /** Posted and not answered yet, oldest first (a worker runs its tasks in order). */
  readonly running: PoolTask<Task, Result>[];
  dead: boolean;
}

/**
 * A pool of worker threads running tasks of concurrent queries. Each query (`open`) has its own
 * queue; idle workers take the next task round-robin across queries, so a query of ten thousand
 * jobs cannot starve one of ten. Workers start on demand, up to `size`; one that crashes or exits
 * fails the task it was running (XX000, that query only) and is replaced when work is waiting.
 * A task's promise settles once; a cancelled query's late results are dropped on arrival.
 */
export class WorkerPool<Task, Result> {
  readonly size: number;
  /** Tasks that ran to an answer (result or error) on a worker. */
  jobsRun = 0;
  /** Workers that crashed or exited unexpectedly (each is replaced on demand). */
  workerCrashes = 0;
  private readonly queue = new FairQueue<PoolQuery<Task, Result>, PoolTask<Task, Result>>();
  private readonly slots = new Set<Slot<Task, Result>>();
  private readonly pipeline: number;
  private nextId = 1;
  private stopped = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = options.size > 0 ? options.size : availableParallelism();
    this.pipeline = Math.max(1, options.pipeline ?? 1);
  }

  /** Tasks waiting for a worker (gauge). */
  get queueDepth(): number {
    return this.queue.size;
  }

  /** Workers running a task (gauge). */
  get busyWorkers(): number {
    let busy = 0;
    for (const slot of this.slots) if (slot.running.length > 0) busy++;
    return busy;
  }

  /** Tasks posted to a worker and not answered yet (gauge; up to `pipeline` per worker). */
  get runningTasks(): number {
    let running = 0;
    for (const slot of this.slots) running += slot.running.length;
    return running;
  }

  /** Live worker threads (gauge). */
  get workers(): number {
    return this.slots.size;
  }

  /** A queue for one query's tasks; aborting `signal` cancels them (57014). Close it when done. */
  open(signal?: AbortSignal): PoolQuery<Task, Result> {
    return new PoolQuery<Task, Result>(
      {
        enqueue: (task) => this.enqueue(task),
        drop: (query) => this.queue.drop(query),
      },
      signal,
    );
  }

  /** Fails every queued and running task (57P01) and terminates the workers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const reason = new QueryError(SqlState.adminShutdown, 'terminating query: the query worker pool stopped');
    for (let task = this.queue.next(); task !== undefined; task = this.queue.next()) task.query.fail(reason);
    const workers: Worker[] = [];
    for (const slot of this.slots) {
      slot.dead = true;
      for (const task of slot.running) task.query.fail(reason);
      workers.push(slot.worker);
    }
    this.slots.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private enqueue(task: PoolTask<Task, Result>): void {
    if (this.stopped) {
      task.reject(new QueryError(SqlState.adminShutdown, 'terminating query: the query worker pool stopped'));
      return;
    }
    this.queue.push(task.query, task);
    this.pump();
  }

  private pump(): void {
    while (this.queue.size > 0 && !this.stopped) {
      let slot = this.leastBusy();
      if (slot === undefined || slot.running.length > 0) {
        if (this.slots.size < this.size) {
          try {
            slot = this.spawn();
          } catch (err) {
            this.queue.next()?.reject(internal(`cannot start a query worker: ${(err as Error).message}`));
            continue;
          }
        } else if (slot === undefined || slot.running.length >= this.pipeline) return;
      }
      this.dispatch(slot, this.queue.next()!);
    }
  }

  /** The live worker with the fewest tasks posted (undefined when there is none). */
  private leastBusy(): Slot<Task, Result> | undefined {
    let best: Slot<Task, Result> | undefined;
    for (const slot of this.slots)
      if (best === undefined || slot.running.length < best.running.length) best = slot;
    return best;
  }

  private dispatch(slot: Slot<Task, Result>, task: PoolTask<Task, Result>): void {
    const message: TaskMessage<Task> = { id: this.nextId++, task: task.task };
    task.id = message.id;
    slot.running.push(task);
    slot.worker.ref();
    try {
      slot.worker.postMessage(message, task.transfer as TransferListItem[]);
    } catch (err) {
      slot.running.pop();
      if (slot.running.length === 0) slot.worker.unref();
      task.reject(internal(`cannot post a job to a query worker: ${(err as Error).message}`));
    }
  }

  private spawn(): Slot<Task, Result> {
    const worker = new Worker(this.options.script, { workerData: this.options.workerData });
    const slot: Slot<Task, Result> = { worker, running: [], dead: false };
    worker.unref();
    worker.on('message', (message: ResultMessage<Result>) => this.answer(slot, message));
    worker.on('messageerror', (err) => this.badReply(slot, err));
    worker.on('error', (err) => this.crash(slot, `query worker crashed: ${err.message}`));
    worker.on('exit', (code) => this.crash(slot, `query worker exited unexpectedly (exit code ${code})`));
    this.slots.add(slot);
    return slot;
  }

  private answer(slot: Slot<Task, Result>, message: ResultMessage<Result>): void {
    const at = slot.running.findIndex((t) => t.id === message.id);
    if (at < 0 || slot.dead) return;
    const [task] = slot.running.splice(at, 1);
    this.jobsRun++;
    if (slot.running.length === 0) slot.worker.unref();
    if (message.ok) {
      if (message.seconds !== undefined) this.options.onSeconds?.(message.seconds);
      task!.resolve(message.result);
    } else task!.reject(reviveError(message.error));
    this.pump();
  }

  private badReply(slot: Slot<Task, Result>, err: Error): void {
    const task = slot.running.shift();
    if (task === undefined || slot.dead) return;
    this.jobsRun++;
    if (slot.running.length === 0) slot.worker.unref();
    task.reject(internal(`bad reply: ${err.message}`));
    this.pump();
  }

  private crash(slot: Slot<Task, Result>, message: string): void {
    if (slot.dead) return;
    slot.dead = true;
    this.workerCrashes++;
    this.slots.delete(slot);
    void slot.worker.terminate();
    for (const task of slot.running.splice(0))
      task.reject(internal(`${message}; the job it was running is lost`));
    this.pump();
  }
}

function internal(message: string): QueryError {
  return new QueryError(SqlState.internalError, message);
}
