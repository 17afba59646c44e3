import type { DeviceSummary, StorageBackend } from '../store/backend.js';
import type { QueryStats, Value } from './api.js';
import { planJobs } from './engine-jobs.js';
import type { EngineMetrics } from './engine-metrics.js';
import { type ReduceThresholds, WorkerReduce } from './engine-reduce.js';
import { ResultCollector } from './exec/collect.js';
import type { JobExecutor } from './exec/job-contract.js';
import { cachedSpec, specsForJobs } from './exec/job-specs.js';
import type { QueryPlan } from './plan/plan.js';
import { finishKey, RESULT_MEMO_PARTIALS, type ResultMemo } from './result-memo.js';
import type { QueryLimits } from './runtime/query-limits.js';
import type { SqlType } from './sql-types.js';

/** What running a flows query needs from its engine. */
export interface FlowsContext {
  readonly backend: StorageBackend;
  readonly executor: JobExecutor;
  readonly limits: QueryLimits | undefined;
  readonly metrics: EngineMetrics;
  /** When the workers merge many groups instead of the coordinator (engine-reduce.ts). */
  readonly reduceThresholds?: ReduceThresholds | undefined;
  /** Rows of queries answered by one memoized partial (result-memo.ts); none: always merged. */
  readonly results?: ResultMemo | undefined;
}

/**
 * One attempt at a flows query: its jobs planned (and their rows checked against the limit),
 * run by the executor with their partials merged as they arrive, then HAVING, ORDER BY and LIMIT.
 * Each stage is timed (stages plan, fanout, merge, sort).
 */
export async function executeFlows(
  ctx: FlowsContext,
  plan: QueryPlan,
  types: SqlType[],
  tenant: string,
  devices: DeviceSummary[],
  signal: AbortSignal | undefined,
): Promise<{ rows: Value[][]; stats: Omit<QueryStats, 'elapsedMs'> }> {
  const { backend, executor, limits, metrics: m } = ctx;
  const groups = await m.plan.time(() => planJobs(backend, tenant, plan, devices));
  let planned = 0;
  let toScan = 0;
  for (const group of groups) {
    planned += group.jobs.length;
    for (const job of group.jobs) toScan += job.rows;
  }
  m.plannedJobs.update(planned);
  limits?.checkRows(tenant, toScan);
  const mergeSpec = cachedSpec(plan, 'minute');
  const collector = new ResultCollector(plan, mergeSpec);
  // A plain query with a LIMIT and no ORDER BY stops reading once it has its rows.
  const enough = new AbortController();
  const combined = signal === undefined ? enough.signal : AbortSignal.any([signal, enough.signal]);
  let jobs = 0;
  let memoHits = 0;
  let rowsScanned = 0;
  // Merging happens as partials arrive (during the fan-out) and in the final flush.
  let mergeMs = 0;
  // The first few partials wait: if no more come and they are memo hits, their rows may be known
  // already (ResultMemo). Past that many, they are merged as they arrive.
  let delivered = 0;
  let held: unknown[] = [];
  // Plain queries are not held: one with a LIMIT stops at its first rows (`enough`).
  const results = plan.aggregate ? ctx.results : undefined;
  const fanout = m.fanout.start();
  const reduce = WorkerReduce.start(
    collector,
    executor,
    mergeSpec,
    { tenant, signal: combined },
    ctx.reduceThresholds,
  );
  try {
    const runs = groups.flatMap(({ resolution, jobs: list }) => specsForJobs(plan, resolution, list));
    await Promise.all(
      runs.map(async ({ spec, jobs: list }) => {
        const stats = await executor.execute(spec, list, {
          tenant,
          signal: combined,
          onPartial: (partial) => {
            const t0 = m.clock.now();
            if (++delivered <= RESULT_MEMO_PARTIALS && results !== undefined) held.push(partial);
            else {
              for (const p of held) collector.add(p);
              held = [];
              collector.add(partial);
              reduce?.check();
            }
            mergeMs += m.clock.now() - t0;
            if (collector.full) enough.abort();
          },
        });
        jobs += stats.jobs;
        memoHits += stats.memoHits;
        rowsScanned += stats.rowsScanned;
      }),
    );
  } catch (err) {
    await reduce?.settle();
    if (!(enough.signal.aborted && !signal?.aborted)) throw err;
  } finally {
    m.fanout.stop(fanout);
  }
  const stats = { jobs, memoHits, rowsScanned, resolution: resolutionOf(groups) };
  const only = delivered === held.length && jobs > 0 && memoHits === jobs ? held : undefined;
  const key = only === undefined ? '' : finishKey(plan, types);
  const known = only === undefined ? undefined : results?.get(only, key);
  if (known !== undefined) return { rows: known, stats };
  const flushed = m.clock.now();
  for (const p of held) collector.add(p);
  // Many groups: merged on the workers, only each one's top groups coming back under a LIMIT.
  await reduce?.finish();
  collector.flush();
  m.merge.update((mergeMs + m.clock.now() - flushed) / 1000);
  const rows = m.sort.time(() => collector.finish(types));
  if (only !== undefined) results?.set(only, key, rows);
  return { rows, stats };
}

function resolutionOf(groups: readonly { resolution: string }[]): QueryStats['resolution'] {
  const used = groups.map((g) => g.resolution);
  return used.includes('day') ? 'day' : used.includes('hour') ? 'hour' : used.length > 0 ? 'minute' : 'none';
}
