import { num, type QueryAnswer, records, text, time } from './pages-cells.js';

/** One hop of a traceroute path over a window, as mtr shows it. */
export interface PathHop {
  readonly ttl: number;
  /** The addresses that answered at this hop, most runs first ('' stands for no answer). */
  readonly addresses: readonly { readonly address: string; readonly runs: number }[];
  readonly probes: number;
  readonly received: number;
  /** Percent of probes with no answer. */
  readonly lossPct: number;
  /** Mean over the runs with an answer of the run's mean RTT; min and max over every answer. */
  readonly rttAvgMs: number | null;
  readonly rttMinMs: number | null;
  readonly rttMaxMs: number | null;
}

export interface AgentPath {
  readonly agent: string;
  readonly hops: readonly PathHop[];
}

/** The path of a trace test per agent over the window (tracePathSql), hops in ttl order. */
export function tracePaths(answer: QueryAnswer): AgentPath[] {
  const byAgent = new Map<string, Map<number, Acc>>();
  for (const r of records(answer)) {
    const agent = text(r.agent);
    const ttl = num(r.ttl) ?? 0;
    const hops = byAgent.get(agent) ?? new Map<number, Acc>();
    byAgent.set(agent, hops);
    const acc = hops.get(ttl) ?? newAcc();
    hops.set(ttl, acc);
    const runs = num(r.runs) ?? 0;
    const answered = num(r.answered_runs) ?? 0;
    acc.addresses.push({ address: text(r.hop_address), runs });
    acc.probes += num(r.probes) ?? 0;
    acc.received += num(r.received) ?? 0;
    const avg = num(r.rtt_avg_ms);
    if (avg !== null && answered > 0) {
      acc.rttSum += avg * answered;
      acc.answered += answered;
    }
    acc.min = minOf(acc.min, num(r.rtt_min_ms));
    acc.max = maxOf(acc.max, num(r.rtt_max_ms));
  }
  return [...byAgent]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([agent, hops]) => ({
      agent,
      hops: [...hops].sort(([a], [b]) => a - b).map(([ttl, acc]) => hopOf(ttl, acc)),
    }));
}

interface Acc {
  addresses: { address: string; runs: number }[];
  probes: number;
  received: number;
  rttSum: number;
  answered: number;
  min: number | null;
  max: number | null;
}

const newAcc = (): Acc => ({
  addresses: [],
  probes: 0,
  received: 0,
  rttSum: 0,
  answered: 0,
  min: null,
  max: null,
});
const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function hopOf(ttl: number, acc: Acc): PathHop {
  const addresses = [...acc.addresses].sort(
    (a, b) => b.runs - a.runs || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
  return {
    ttl,
    addresses,
    probes: acc.probes,
    received: acc.received,
    lossPct: acc.probes === 0 ? 100 : ((acc.probes - acc.received) / acc.probes) * 100,
    rttAvgMs: acc.answered === 0 ? null : acc.rttSum / acc.answered,
    rttMinMs: acc.min,
    rttMaxMs: acc.max,
  };
}

/** Each agent's newest run of a trace test (traceLatestSql): when, whether it reached, its error. */
export interface LatestRun {
  readonly agent: string;
  readonly timeMs: number;
  readonly reached: boolean;
  readonly hops: number;
  readonly error: string;
  readonly path: readonly { readonly ttl: number; readonly address: string; readonly rttMs: number | null }[];
}

export function latestRuns(answer: QueryAnswer): LatestRun[] {
  const out = new Map<string, LatestRun & { path: LatestRun['path'][number][] }>();
  for (const r of records(answer)) {
    const agent = text(r.agent);
    const t = time(r.time) ?? 0;
    let run = out.get(agent);
    if (run === undefined) {
      run = {
        agent,
        timeMs: t,
        reached: num(r.reached) === 1,
        hops: num(r.hops) ?? 0,
        error: text(r.error),
        path: [],
      };
      out.set(agent, run);
    }
    // Rows come newest run first: only the agent's first (newest) run is kept.
    if (run.timeMs !== t) continue;
    const ttl = num(r.ttl) ?? 0;
    if (ttl > 0) run.path.push({ ttl, address: text(r.hop_address), rttMs: num(r.rtt_avg_ms) });
  }
  return [...out.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}
