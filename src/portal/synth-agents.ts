/** Synthetic agents as GET /api/v1/synth/agents shows them, and their state at a glance. */

export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly status: 'approved' | 'pending';
  readonly version: string;
  readonly addresses: readonly string[];
  readonly lastSeenAt: string | null;
  readonly tests: number;
  readonly reportedAt: string | null;
  readonly report: Readonly<Record<string, unknown>> | null;
}

export type AgentState = 'up' | 'down' | 'pending';

export interface AgentRow {
  readonly id: string;
  readonly name: string;
  readonly state: AgentState;
  readonly version: string;
  readonly addresses: string;
  readonly lastSeenMs: number | null;
  readonly tests: number;
  /** From its last status report (null when it has not reported). */
  readonly running: number | null;
  readonly sent: number | null;
  readonly dropped: number | null;
  readonly lastError: string;
}

/**
 * An approved agent is up while it was heard from (a task poll, results or a status report) in
 * the last `downAfterMs` — agents poll and report every 30 s by default, so 90 s is three missed
 * beats.
 */
export function agentRows(agents: readonly AgentView[], nowMs: number, downAfterMs = 90_000): AgentRow[] {
  return agents
    .map((a) => {
      const seen = a.lastSeenAt === null ? null : Date.parse(a.lastSeenAt);
      const report = a.report ?? {};
      const tasks = record(report.tasks);
      const results = record(report.results);
      const errors = record(report.errors);
      const state: AgentState =
        a.status === 'pending' ? 'pending' : seen !== null && nowMs - seen <= downAfterMs ? 'up' : 'down';
      return {
        id: a.id,
        name: a.name,
        state,
        version: a.version,
        addresses: a.addresses.join(' '),
        lastSeenMs: seen,
        tests: a.tests,
        running: numberOr(tasks.running),
        sent: numberOr(results.sent),
        dropped: numberOr(results.dropped),
        lastError: typeof errors.last === 'string' ? errors.last : '',
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
const numberOr = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Agent ids → names, for chart legends ("name (id)" when two agents share a name). */
export function agentNames(agents: readonly AgentView[]): (id: string) => string {
  const count = new Map<string, number>();
  for (const a of agents) count.set(a.name, (count.get(a.name) ?? 0) + 1);
  const names = new Map(agents.map((a) => [a.id, count.get(a.name)! > 1 ? `${a.name} (${a.id})` : a.name]));
  return (id) => names.get(id) ?? id;
}
