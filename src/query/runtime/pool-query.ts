import type { TransferListItem } from 'node:worker_threads';
import { QueryError, SqlState } from '../errors.js';
import { cancelError } from './cancel.js';

/** One task of a query, as the pool queues and runs it. Settles once; later calls are no-ops. */
export interface PoolTask<Task, Result> {
  readonly query: PoolQuery<Task, Result>;
  readonly task: Task;
  readonly transfer: readonly TransferListItem[];
  /** Message id while on a worker. */
  id: number;
  resolve(result: Result): void;
  reject(err: unknown): void;
}

export interface PoolQueryHooks<Task, Result> {
  enqueue(task: PoolTask<Task, Result>): void;
  /** Takes the query's queued tasks out of the pool's queue. */
  drop(query: PoolQuery<Task, Result>): PoolTask<Task, Result>[];
}

/**
 * One query's tasks in the worker pool (WorkerPool.open). When its signal aborts, or `fail` is
 * called (the executor does on a job's error), queued tasks leave the pool's queue at once and every
 * unsettled task rejects; results of tasks still running are dropped when they arrive.
 */
export class PoolQuery<Task, Result> {
  private failure: Error | undefined;
  private readonly pending = new Set<PoolTask<Task, Result>>();
  private readonly onAbort = () => this.fail(cancelError(this.signal!));

  constructor(
    private readonly hooks: PoolQueryHooks<Task, Result>,
    private readonly signal?: AbortSignal,
  ) {
    if (signal?.aborted) this.failure = cancelError(signal);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Why the query stopped, once it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Tasks submitted and not yet settled. */
  get unsettled(): number {
    return this.pending.size;
  }

  /** Queues a task; `transfer` lists buffers in the task that move to the worker (detached here). */
  submit(task: Task, transfer: readonly TransferListItem[] = []): Promise<Result> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<Result>((resolve, reject) => {
      const entry: PoolTask<Task, Result> = {
        query: this,
        task,
        transfer,
        id: 0,
        resolve: (result) => {
          if (this.pending.delete(entry)) resolve(result);
        },
        reject: (err) => {
          if (this.pending.delete(entry)) reject(err);
        },
      };
      this.pending.add(entry);
      this.hooks.enqueue(entry);
    });
  }

  /** Stops the query: every unsettled task rejects with `reason` (the first reason sticks). */
  fail(reason: Error): void {
    this.failure ??= reason;
    this.hooks.drop(this);
    for (const entry of [...this.pending]) entry.reject(this.failure);
  }

  /** Detaches from the signal; tasks still unsettled are cancelled. */
  close(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.pending.size > 0) {
      this.fail(new QueryError(SqlState.queryCanceled, 'canceling statement: the query was closed'));
    }
  }
}
