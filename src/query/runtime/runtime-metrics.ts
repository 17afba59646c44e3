import type { Registry } from '../../metrics/registry.js';
import type { Timer } from '../../metrics/timer.js';
import type { JobMemo } from './memo.js';

/** The stage timers of a query (docs/metrics.md): one family, tag `stage`. */
export const stageTimerName = 'flowlens_query_stage_seconds';
export const stageTimerHelp =
  'Seconds per query stage: parse (SQL text to AST), validate (AST to plan against the schema), plan (jobs listed and pruned), fanout (jobs dispatched until every partial is in), job (one job read and run, on a worker or the main thread), merge (partials merged on the coordinator), sort (HAVING, ORDER BY, LIMIT and the select list)';

export type QueryStage = 'parse' | 'validate' | 'plan' | 'fanout' | 'job' | 'merge' | 'sort';

export function stageTimer(metrics: Registry, stage: QueryStage): Timer {
  return metrics.timer(stageTimerName, { stage }, { help: stageTimerHelp });
}

/** What the runtime's metrics read: the worker pool's gauges and counters. */
export interface PoolGauges {
  readonly size: number;
  readonly queueDepth: number;
  readonly runningTasks: number;
  readonly busyWorkers: number;
  readonly workers: number;
  readonly jobsRun: number;
  readonly workerCrashes: number;
}

/** Registers the worker pool's and the memo's metrics, read from their own counters at export. */
export function registerRuntimeMetrics(metrics: Registry, pool: PoolGauges, memo: JobMemo): void {
  const gauge = (name: string, help: string, fn: () => number) =>
    metrics.gaugeFn(name, fn, undefined, { help });
  const counter = (name: string, help: string, fn: () => number) =>
    metrics.counterFn(name, fn, undefined, { help });
  gauge(
    'flowlens_query_pool_queued_tasks',
    'Query tasks waiting for a worker thread (a task is one job, or a batch or group of sealed jobs)',
    () => pool.queueDepth,
  );
  gauge(
    'flowlens_query_pool_running_tasks',
    'Query tasks posted to a worker thread and not answered yet',
    () => pool.runningTasks,
  );
  gauge('flowlens_query_pool_busy_workers', 'Query worker threads running a task', () => pool.busyWorkers);
  gauge(
    'flowlens_query_pool_live_workers',
    'Query worker threads alive (started on demand)',
    () => pool.workers,
  );
  gauge('flowlens_query_pool_max_workers', 'Query worker threads the pool may start', () => pool.size);
  counter(
    'flowlens_query_pool_tasks_total',
    'Query tasks a worker thread answered (result or error)',
    () => pool.jobsRun,
  );
  counter(
    'flowlens_query_pool_crashes_total',
    'Query worker threads that crashed or exited unexpectedly (each failed its task, and is replaced on demand)',
    () => pool.workerCrashes,
  );
  counter(
    'flowlens_query_memo_hits_total',
    'Memo lookups that found a partial of sealed data (a job, a group of jobs, or a combination of hits)',
    () => memo.hits,
  );
  counter('flowlens_query_memo_misses_total', 'Memo lookups that found nothing', () => memo.misses);
  counter(
    'flowlens_query_memo_evictions_total',
    'Memo entries dropped, least recently used first, to stay within the capacity',
    () => memo.evictions,
  );
  gauge(
    'flowlens_query_memo_bytes',
    'Bytes the memo holds (estimated size of partials and keys)',
    () => memo.bytes,
  );
  gauge('flowlens_query_memo_entries', 'Partials the memo holds', () => memo.size);
  gauge(
    'flowlens_query_memo_capacity_bytes',
    'Bytes the memo may hold (memoBytes; 0: off)',
    () => memo.capacity,
  );
}
