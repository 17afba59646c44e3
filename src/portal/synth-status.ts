import { num, type QueryAnswer, records, text, time } from './pages-cells.js';
import type { SynthType } from './synth-sql.js';

/** A test as GET /api/v1/synth/tests shows it (the fields these pages read; the rest pass through). */
export interface TestView {
  readonly id: string;
  readonly type: SynthType;
  readonly target: string;
  readonly intervalS: number;
  readonly timeoutMs: number;
  readonly label: string;
  readonly agents: 'all' | readonly string[];
  readonly [option: string]: unknown;
}

/** One agent's runs of a test in the window (statusSql, lastErrorsSql). */
export interface AgentRuns {
  readonly agent: string;
  readonly runs: number;
  /** 0-1. */
  readonly availability: number | null;
  readonly lastMs: number | null;
  readonly failing: boolean;
  /** An agent with no run in the last three intervals before the window's end. */
  readonly stale: boolean;
  readonly latencyMs: number | null;
  readonly lossPct: number | null;
  /** The error code of its newest failed run in the window ('' if none). */
  readonly lastError: string;
}

export type TestStatus = 'ok' | 'degraded' | 'failing' | 'stale' | 'no data';

export interface TestStatusRow {
  readonly test: TestView;
  readonly status: TestStatus;
  readonly runs: number;
  readonly availability: number | null;
  readonly latencyMs: number | null;
  readonly lossPct: number | null;
  readonly lastMs: number | null;
  readonly agents: readonly AgentRuns[];
}

/**
 * Each test with its status over the window: failing when its latest run failed on every agent
 * that ran it, degraded when on some, stale when no agent ran it in the last three intervals
 * before `endMs` (the window's end, or now), no data without any run. Figures over all agents are
 * weighted by their runs.
 */
export function testStatuses(
  tests: readonly TestView[],
  status: ReadonlyMap<SynthType, QueryAnswer>,
  errors: ReadonlyMap<SynthType, QueryAnswer>,
  endMs: number,
): TestStatusRow[] {
  const lastError = new Map<string, string>();
  for (const answer of errors.values())
    for (const r of records(answer)) {
      const key = `${text(r.test_id)} ${text(r.agent)}`;
      if (!lastError.has(key)) lastError.set(key, text(r.error));
    }
  const byTest = new Map<string, AgentRuns[]>();
  const intervalOf = new Map(tests.map((t) => [t.id, t.intervalS * 1000]));
  for (const answer of status.values())
    for (const r of records(answer)) {
      const id = text(r.test_id);
      const lastOk = time(r.last_ok);
      const lastFail = time(r.last_fail);
      const lastMs = time(r.last_time);
      const agent = text(r.agent);
      const runs: AgentRuns = {
        agent,
        runs: num(r.runs) ?? 0,
        availability: num(r.availability),
        lastMs,
        failing: lastFail !== null && (lastOk === null || lastFail > lastOk),
        stale: lastMs === null || endMs - lastMs > 3 * (intervalOf.get(id) ?? 60_000),
        latencyMs: num(r.latency_ms),
        lossPct: num(r.loss_pct),
        lastError: lastError.get(`${id} ${agent}`) ?? '',
      };
      const list = byTest.get(id) ?? [];
      list.push(runs);
      byTest.set(id, list);
    }
  return tests.map((test) => summarize(test, byTest.get(test.id) ?? []));
}

function summarize(test: TestView, agents: AgentRuns[]): TestStatusRow {
  agents.sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const runs = agents.reduce((n, a) => n + a.runs, 0);
  const failing = agents.filter((a) => a.failing).length;
  const status: TestStatus =
    agents.length === 0
      ? 'no data'
      : failing === agents.length
        ? 'failing'
        : failing > 0
          ? 'degraded'
          : agents.every((a) => a.stale)
            ? 'stale'
            : 'ok';
  const lasts = agents.map((a) => a.lastMs).filter((x): x is number => x !== null);
  return {
    test,
    status,
    runs,
    availability: weighted(agents, (a) => a.availability),
    latencyMs: weighted(agents, (a) => a.latencyMs),
    lossPct: weighted(agents, (a) => a.lossPct),
    lastMs: lasts.length === 0 ? null : Math.max(...lasts),
    agents,
  };
}

function weighted(agents: readonly AgentRuns[], value: (a: AgentRuns) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const a of agents) {
    const v = value(a);
    if (v === null || a.runs === 0) continue;
    sum += v * a.runs;
    weight += a.runs;
  }
  return weight === 0 ? null : sum / weight;
}

/** A test's name for people: its label, else its type and target (or URL). */
export function testName(test: TestView): string {
  if (test.label !== '') return test.label;
  const where = test.type === 'http' && typeof test.url === 'string' ? test.url : test.target;
  return `${test.type} ${where}`;
}
