import { num, type Pivoted, pivot, type QueryAnswer, records, text, time } from './pages-cells.js';
import { type HttpPhase, httpPhases } from './synth-sql.js';

/** The charts of one test: a series per agent for each measure (seriesSql). */
export interface TestCharts {
  readonly latency: Pivoted;
  /** Ping only. */
  readonly jitter: Pivoted | undefined;
  readonly loss: Pivoted;
  /** Percent of successful runs. */
  readonly availability: Pivoted;
}

/** `agentName` labels each agent's series (its name, else its id). */
export function testCharts(answer: QueryAnswer, agentName: (id: string) => string = (id) => id): TestCharts {
  const rows = records(answer);
  const hasJitter = answer.fields.some((f) => f.name === 'jitter_ms');
  const order = [...new Set(rows.map((r) => agentName(text(r.agent))))].sort();
  const of = (column: string, scale = 1) =>
    pivot(
      rows.map((r) => {
        const v = num(r[column]);
        return { t: time(r.t) ?? 0, key: agentName(text(r.agent)), v: v === null ? null : v * scale };
      }),
      order,
    );
  return {
    latency: of('latency_ms'),
    jitter: hasJitter ? of('jitter_ms') : undefined,
    loss: of('loss_pct'),
    availability: of('availability', 100),
  };
}

export const phaseLabels: Readonly<Record<HttpPhase, string>> = {
  dns_ms: 'DNS',
  connect_ms: 'Connect',
  tls_ms: 'TLS',
  ttfb_ms: 'Time to first byte',
  transfer_ms: 'Transfer',
};

/** HTTP phases per bucket (httpPhasesSql): one series per phase. */
export function phaseCharts(answer: QueryAnswer): Pivoted {
  const rows = records(answer);
  return pivot(
    rows.flatMap((r) => httpPhases.map((p) => ({ t: time(r.t) ?? 0, key: phaseLabels[p], v: num(r[p]) }))),
    httpPhases.map((p) => phaseLabels[p]),
  );
}

/** One agent's mean phases over the window (httpPhasesByAgentSql), in order, for a waterfall. */
export interface PhaseBreakdown {
  readonly agent: string;
  readonly runs: number;
  readonly availability: number | null;
  readonly status: number | null;
  readonly totalMs: number | null;
  readonly phases: readonly {
    readonly phase: HttpPhase;
    readonly label: string;
    readonly ms: number | null;
  }[];
}

export function phaseBreakdown(answer: QueryAnswer): PhaseBreakdown[] {
  return records(answer).map((r) => ({
    agent: text(r.agent),
    runs: num(r.runs) ?? 0,
    availability: num(r.availability),
    status: num(r.status),
    totalMs: num(r.total_ms),
    phases: httpPhases.map((phase) => ({ phase, label: phaseLabels[phase], ms: num(r[phase]) })),
  }));
}

/**
 * Where each phase starts and how long it lasts, as percents of `scaleMs` (a waterfall): phases
 * are consecutive, so each starts where the ones before it end; a phase that did not happen
 * (null) takes no room.
 */
export function waterfall(
  phases: PhaseBreakdown['phases'],
  scaleMs: number,
): {
  readonly label: string;
  readonly startPct: number;
  readonly widthPct: number;
  readonly ms: number | null;
}[] {
  let at = 0;
  return phases.map((p) => {
    const ms = p.ms ?? 0;
    const bar = {
      label: p.label,
      startPct: scaleMs > 0 ? (at / scaleMs) * 100 : 0,
      widthPct: scaleMs > 0 ? (ms / scaleMs) * 100 : 0,
      ms: p.ms,
    };
    at += ms;
    return bar;
  });
}
