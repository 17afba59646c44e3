import type { Statement } from '../../../../src/portal/devices-sql.js';
import type { QueryAnswer } from '../../../../src/portal/pages-cells.js';
import type { Window } from '../../../../src/portal/pages-range.js';
import { type AgentRow, type AgentView, agentRows } from '../../../../src/portal/synth-agents.js';
import { lastErrorsSql, type SynthType, statusSql } from '../../../../src/portal/synth-sql.js';
import { type TestStatusRow, type TestView, testStatuses } from '../../../../src/portal/synth-status.js';
import { get, query } from '../../app/api.js';

export const run = (st: Statement, signal: AbortSignal) => query(st.sql, { params: st.params, signal });

export interface SynthData {
  readonly tests: readonly TestStatusRow[];
  readonly agents: readonly AgentRow[];
  readonly agentViews: readonly AgentView[];
  readonly window: Window;
  readonly statements: readonly Statement[];
}

export const listTests = (signal: AbortSignal) =>
  get<{ tests: TestView[] }>('/api/v1/synth/tests', { signal }).then((x) => x.tests);
export const listAgents = (signal: AbortSignal) =>
  get<{ agents: AgentView[] }>('/api/v1/synth/agents', { signal }).then((x) => x.agents);

/** The tests with their status over the window (two statements per test type in use) and the agents. */
export async function loadSynth(window: Window, signal: AbortSignal): Promise<SynthData> {
  const [tests, agents] = await Promise.all([listTests(signal), listAgents(signal)]);
  const types = [...new Set(tests.map((t) => t.type))];
  const statements = types.flatMap((type) => [statusSql(type, window), lastErrorsSql(type, window)]);
  const answers = await Promise.all(
    types.map(async (type, i): Promise<[SynthType, QueryAnswer, QueryAnswer]> => {
      const [status, errors] = await Promise.all([
        run(statements[2 * i]!, signal),
        run(statements[2 * i + 1]!, signal),
      ]);
      return [type, status, errors];
    }),
  );
  const now = Date.now();
  return {
    tests: testStatuses(
      tests,
      new Map(answers.map(([type, status]) => [type, status])),
      new Map(answers.map(([type, , errors]) => [type, errors])),
      Math.min(window.toMs, now),
    ),
    agents: agentRows(agents, now),
    agentViews: agents,
    window,
    statements,
  };
}
