import type { QueryResult } from '../src/query/api.js';
import { type Answer, checkAnswers, flowlensAnswer } from './query-answers.js';
import type { Flowlens } from './query-flowlens.js';
import type { BenchQuery } from './query-queries.js';
import { cpuSpeedup, type QueryFigures, speedup } from './query-report.js';
import { type CpuClock, processCpu, timeRuns } from './query-timing.js';
import { round } from './store-ingest.js';

export interface Systems {
  readonly flowlens: Flowlens;
  readonly clickhouse: (() => Promise<Answer>) | undefined;
  readonly duckdb: (() => Promise<Answer>) | undefined;
  /** ClickHouse's server process's CPU time (flowlens and DuckDB run in this process). */
  readonly clickhouseCpu?: CpuClock | undefined;
}

async function timedFirst<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: round(performance.now() - t, 2), value };
}

/**
 * One query on every system: an untimed first run, then `runs` timed ones. flowlens's timed runs
 * start with an empty memo (cold: every job computed); then one untimed repeat (which also
 * combines the memo hits into one entry) and `runs` timed ones with the memo kept (a dashboard
 * repeating the query).
 */
export async function measureQuery(
  q: BenchQuery,
  runs: number,
  exactCount: number | undefined,
  systems: Systems,
): Promise<QueryFigures> {
  const fl = systems.flowlens;
  const clear = () => fl.runtime.memo.clear();
  clear();
  const first = await timedFirst(() => fl.run(q.flowlens));
  const cold = await timeRuns(runs, () => fl.run(q.flowlens), clear, processCpu);
  // The first repeat also combines the memo hits into one entry; the dashboard's later ones are timed.
  const firstRepeat = await timedFirst(() => fl.run(q.flowlens));
  const memo = await timeRuns(runs, () => fl.run(q.flowlens), undefined, processCpu);
  clear();
  const stats = (r: QueryResult) => {
    const { elapsedMs: _, ...rest } = r.stats!;
    return rest;
  };
  const ours = flowlensAnswer(first.value.rows);
  let clickhouse: QueryFigures['clickhouse'];
  let chAnswer: Answer | undefined;
  if (systems.clickhouse !== undefined) {
    const f = await timedFirst(systems.clickhouse);
    const t = await timeRuns(runs, systems.clickhouse, undefined, systems.clickhouseCpu);
    clickhouse = { ...t.timed, first_run_ms: f.ms };
    chAnswer = f.value;
  }
  let duckdb: QueryFigures['duckdb'];
  let duckAnswer: Answer | undefined;
  if (systems.duckdb !== undefined) {
    const f = await timedFirst(systems.duckdb);
    const t = await timeRuns(runs, systems.duckdb, undefined, processCpu);
    duckdb = { ...t.timed, first_run_ms: f.ms };
    duckAnswer = f.value;
  }
  return {
    flowlens: {
      ...cold.timed,
      first_run_ms: first.ms,
      stats: stats(cold.last),
      memo_repeat: {
        ...memo.timed,
        first_repeat_ms: firstRepeat.ms,
        memo_hits: memo.last.stats!.memoHits,
        jobs: memo.last.stats!.jobs,
      },
    },
    clickhouse,
    duckdb,
    speedup: { clickhouse: speedup(clickhouse, cold.timed), duckdb: speedup(duckdb, cold.timed) },
    cpu_speedup: { clickhouse: cpuSpeedup(clickhouse, cold.timed), duckdb: cpuSpeedup(duckdb, cold.timed) },
    answers: checkAnswers(q, ours, chAnswer, duckAnswer, exactCount),
  };
}
