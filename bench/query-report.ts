import type { QueryStats } from '../src/query/api.js';
import type { AnswerCheck } from './query-answers.js';
import type { Timed } from './query-timing.js';
import { round } from './store-ingest.js';

/** One query's figures on every system, and flowlens's speed-up over each (their median / ours). */
export interface QueryFigures {
  flowlens: Timed & {
    /** Untimed first run (workers started, kernels compiled, files in the page cache). */
    first_run_ms: number;
    stats: Omit<QueryStats, 'elapsedMs'>;
    /**
     * The same query again with the memo kept: `first_repeat_ms` untimed (it also combines the
     * memo hits into one entry), then the timed repeats.
     */
    memo_repeat: Timed & { first_repeat_ms: number; memo_hits: number; jobs: number };
  };
  clickhouse?: (Timed & { first_run_ms: number }) | undefined;
  duckdb?: (Timed & { first_run_ms: number }) | undefined;
  /** How many times faster flowlens is (median over median); above 1 is faster. */
  speedup: { clickhouse?: number | undefined; duckdb?: number | undefined };
  /** The same in CPU time (median over median): the work each system did, whatever the load. */
  cpu_speedup: { clickhouse?: number | undefined; duckdb?: number | undefined };
  answers: AnswerCheck;
}

interface Goal {
  /** What the figure must reach: a speed-up at least `min`, or a time at most `max_ms`. */
  readonly min?: number;
  readonly max_ms?: number;
  readonly value: number | undefined;
  readonly met: boolean | undefined;
}

function atLeast(value: number | undefined, min: number): Goal {
  return { min, value, met: value === undefined ? undefined : value >= min };
}

export function speedup(theirs: Timed | undefined, ours: Timed): number | undefined {
  return theirs === undefined ? undefined : round(theirs.median_ms / ours.median_ms, 2);
}

export function cpuSpeedup(theirs: Timed | undefined, ours: Timed): number | undefined {
  const a = theirs?.median_cpu_ms;
  const b = ours.median_cpu_ms;
  return a === undefined || b === undefined || b === 0 ? undefined : round(a / b, 2);
}

/**
 * The goals, from the figures of the four queries (a query left out by `--only` leaves
 * its goals unmeasured).
 */
export function goals(q: Record<string, QueryFigures>) {
  const seed = q.seed_query_whole_set;
  const window = q.seed_query_5pct_window;
  const memo = window?.flowlens.memo_repeat.median_ms;
  const list: Record<string, Goal> = {
    seed_query_vs_clickhouse: atLeast(seed?.speedup.clickhouse, 2),
    seed_query_vs_duckdb: atLeast(seed?.speedup.duckdb, 1.5),
    seed_query_5pct_window_vs_clickhouse: atLeast(window?.speedup.clickhouse, 2),
    seed_query_5pct_window_vs_duckdb: atLeast(window?.speedup.duckdb, 1.5),
    top10_src_addr_vs_clickhouse: atLeast(q.top10_src_addr_by_in_bytes?.speedup.clickhouse, 1.5),
    approx_distinct_vs_clickhouse_uniq: atLeast(q.approx_count_distinct_src_addr?.speedup.clickhouse, 1),
    memo_repeat_sealed_minutes_ms: {
      max_ms: 5,
      value: memo,
      met: memo === undefined ? undefined : memo <= 5,
    },
  };
  const answers = Object.values(q).map((f) => f.answers.agree);
  const measured = Object.values(list).filter((g) => g.met !== undefined);
  return {
    goals: list,
    answers_agree: answers.every((a) => a !== false),
    /** Every goal that could be measured (a system left out leaves its goals unmeasured) is met. */
    goals_met: measured.every((g) => g.met === true) && answers.every((a) => a !== false),
    goals_unmeasured: Object.entries(list)
      .filter(([, g]) => g.met === undefined)
      .map(([name]) => name),
  };
}
