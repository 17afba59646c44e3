import type { Statement } from '../../../../src/portal/devices-sql.js';
import type { Pivoted } from '../../../../src/portal/pages-cells.js';
import { bucketSeconds, type Window } from '../../../../src/portal/pages-range.js';
import { agentNames } from '../../../../src/portal/synth-agents.js';
import {
  type PhaseBreakdown,
  phaseBreakdown,
  phaseCharts,
  type TestCharts,
  testCharts,
} from '../../../../src/portal/synth-series.js';
import {
  httpPhasesByAgentSql,
  httpPhasesSql,
  lastErrorsSql,
  seriesSql,
  statusSql,
  traceLatestSql,
  tracePathSql,
} from '../../../../src/portal/synth-sql.js';
import { type TestStatusRow, type TestView, testStatuses } from '../../../../src/portal/synth-status.js';
import {
  type AgentPath,
  type LatestRun,
  latestRuns,
  tracePaths,
} from '../../../../src/portal/synth-trace.js';
import { get } from '../../app/api.js';
import { listAgents, run } from './load-synth.js';

export interface TestData {
  readonly status: TestStatusRow;
  readonly charts: TestCharts;
  readonly bucketS: number;
  readonly agentName: (id: string) => string;
  readonly phases?: { readonly over: Pivoted; readonly byAgent: readonly PhaseBreakdown[] };
  readonly trace?: { readonly paths: readonly AgentPath[]; readonly latest: readonly LatestRun[] };
  readonly window: Window;
  readonly statements: readonly Statement[];
}

/** Everything the page of one test shows, over the window. */
export async function loadTest(id: string, window: Window, signal: AbortSignal): Promise<TestData> {
  const [{ test }, agents] = await Promise.all([
    get<{ test: TestView }>(`/api/v1/synth/tests/${encodeURIComponent(id)}`, { signal }),
    listAgents(signal),
  ]);
  const bucketS = bucketSeconds(window, test.intervalS, 200);
  const agentName = agentNames(agents);
  const own = [
    statusSql(test.type, window),
    lastErrorsSql(test.type, window),
    seriesSql(test.type, id, window, bucketS),
  ];
  const [status, errors, series, extra] = await Promise.all([
    run(own[0]!, signal),
    run(own[1]!, signal),
    run(own[2]!, signal),
    typeExtra(test, window, bucketS, signal),
  ]);
  const only = (a: typeof status) => ({ fields: a.fields, rows: a.rows.filter((r) => r[0] === id) });
  const [row] = testStatuses(
    [test],
    new Map([[test.type, only(status)]]),
    new Map([[test.type, only(errors)]]),
    Math.min(window.toMs, Date.now()),
  );
  return {
    status: row!,
    charts: testCharts(series, agentName),
    bucketS,
    agentName,
    phases: extra.phases,
    trace: extra.trace,
    window,
    statements: [...own, ...extra.statements],
  };
}

async function typeExtra(
  test: TestView,
  window: Window,
  bucketS: number,
  signal: AbortSignal,
): Promise<Pick<TestData, 'phases' | 'trace' | 'statements'>> {
  if (test.type === 'http') {
    const statements = [httpPhasesSql(test.id, window, bucketS), httpPhasesByAgentSql(test.id, window)];
    const [over, byAgent] = await Promise.all(statements.map((st) => run(st, signal)));
    return { phases: { over: phaseCharts(over!), byAgent: phaseBreakdown(byAgent!) }, statements };
  }
  if (test.type === 'trace') {
    const statements = [tracePathSql(test.id, window), traceLatestSql(test.id, window)];
    const [paths, latest] = await Promise.all(statements.map((st) => run(st, signal)));
    return { trace: { paths: tracePaths(paths!), latest: latestRuns(latest!) }, statements };
  }
  return { statements: [] };
}
