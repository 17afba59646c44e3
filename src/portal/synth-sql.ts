import type { Statement } from './devices-sql.js';
import { windowParams } from './devices-sql.js';
import type { Window } from './pages-range.js';

/**
 * The SQL of the Synthetic tests pages over the results tables (docs/synth.md "Tables"). A
 * measurement that did not happen is NaN there, so averages skip it with a FILTER on what says it
 * happened (a reply came, the run succeeded, the URL is https) rather than on NaN itself. A trace
 * stores one row per hop: run-level figures read its first row (ttl 0 or 1) or its last hop
 * (ttl = hops).
 */

export type SynthType = 'ping' | 'trace' | 'http' | 'dns' | 'tcp';

export const synthTypes: readonly SynthType[] = ['ping', 'trace', 'http', 'dns', 'tcp'];

/** Per type: the run filter, the latency (ms) and the loss (%) of a run, as SQL aggregates. */
const measures: Readonly<Record<SynthType, { run: string; latency: string; loss: string }>> = {
  ping: {
    run: 'true',
    latency: 'avg(rtt_avg_ms) FILTER (WHERE received > 0)',
    loss: 'avg(loss_pct)',
  },
  trace: {
    run: 'ttl <= 1',
    latency: 'avg(rtt_avg_ms) FILTER (WHERE reached = 1 AND ttl = hops AND received > 0)',
    loss: 'avg(loss_pct) FILTER (WHERE ttl = hops)',
  },
  http: { run: 'true', latency: 'avg(total_ms) FILTER (WHERE ok = 1)', loss: 'avg(100 - 100 * ok)' },
  dns: { run: 'true', latency: 'avg(latency_ms) FILTER (WHERE ok = 1)', loss: 'avg(100 - 100 * ok)' },
  tcp: { run: 'true', latency: 'avg(latency_ms) FILTER (WHERE ok = 1)', loss: 'avg(100 - 100 * ok)' },
};

const runFilter = (type: SynthType) =>
  measures[type].run === 'true' ? '' : ` FILTER (WHERE ${measures[type].run})`;

/**
 * Per test and agent in the window: runs, availability (0-1), the last run's time, the last
 * successful and failed runs' times, the mean latency and loss.
 */
export function statusSql(type: SynthType, w: Window): Statement {
  const f = runFilter(type);
  const okOnly = type === 'trace' ? 'ok = 1 AND ttl <= 1' : 'ok = 1';
  const failOnly = type === 'trace' ? 'ok = 0 AND ttl <= 1' : 'ok = 0';
  return {
    sql:
      `SELECT test_id, agent, count(*)${f} AS runs, avg(ok)${f} AS availability, max(time) AS last_time, ` +
      `max(time) FILTER (WHERE ${okOnly}) AS last_ok, max(time) FILTER (WHERE ${failOnly}) AS last_fail, ` +
      `${measures[type].latency} AS latency_ms, ${measures[type].loss} AS loss_pct ` +
      `FROM synth_${type} WHERE time >= $1 AND time < $2 GROUP BY 1, 2`,
    params: windowParams(w),
  };
}

/** The newest failed runs in the window (their error codes), newest first. */
export function lastErrorsSql(type: SynthType, w: Window, limit = 1000): Statement {
  return {
    sql:
      `SELECT test_id, agent, time, error FROM synth_${type} ` +
      `WHERE ok = 0 AND time >= $1 AND time < $2 ORDER BY time DESC LIMIT ${limit}`,
    params: windowParams(w),
  };
}

const bucket = (bucketS: number) =>
  `time_bucket(interval '${Math.max(1, Math.round(bucketS))} seconds', time)`;

/** One test's latency, jitter (ping only: jitter_ms), loss and availability per bucket and agent. */
export function seriesSql(type: SynthType, testId: string, w: Window, bucketS: number): Statement {
  const m = measures[type];
  const jitter = type === 'ping' ? 'avg(jitter_ms) FILTER (WHERE received > 1) AS jitter_ms, ' : '';
  return {
    sql:
      `SELECT ${bucket(bucketS)} AS t, agent, ${m.latency} AS latency_ms, ${jitter}` +
      `${m.loss} AS loss_pct, avg(ok)${runFilter(type)} AS availability FROM synth_${type} ` +
      'WHERE test_id = $3 AND time >= $1 AND time < $2 GROUP BY 1, 2 ORDER BY 1',
    params: [...windowParams(w), testId],
  };
}

export const httpPhases = ['dns_ms', 'connect_ms', 'tls_ms', 'ttfb_ms', 'transfer_ms'] as const;
export type HttpPhase = (typeof httpPhases)[number];

const phaseAvg = (phase: HttpPhase) =>
  `avg(${phase}) FILTER (WHERE ok = 1${phase === 'tls_ms' ? " AND url LIKE 'https:%'" : ''}) AS ${phase}`;

/** An HTTP test's mean phase durations (successful runs) per bucket, all agents together. */
export function httpPhasesSql(testId: string, w: Window, bucketS: number): Statement {
  return {
    sql:
      `SELECT ${bucket(bucketS)} AS t, ${httpPhases.map(phaseAvg).join(', ')} FROM synth_http ` +
      'WHERE test_id = $3 AND time >= $1 AND time < $2 GROUP BY 1 ORDER BY 1',
    params: [...windowParams(w), testId],
  };
}

/** An HTTP test's mean phase durations per agent over the window, with its runs and status codes. */
export function httpPhasesByAgentSql(testId: string, w: Window): Statement {
  return {
    sql:
      `SELECT agent, count(*) AS runs, avg(ok) AS availability, max(status) AS status, ` +
      `${httpPhases.map(phaseAvg).join(', ')}, avg(total_ms) FILTER (WHERE ok = 1) AS total_ms ` +
      'FROM synth_http WHERE test_id = $3 AND time >= $1 AND time < $2 GROUP BY 1 ORDER BY 1',
    params: [...windowParams(w), testId],
  };
}

/**
 * A trace test's path over the window, as mtr shows it: per agent, hop (ttl) and answering
 * address ('' when none answered), the runs (and those with an answer), probes sent and
 * answered, and the RTTs of the answered ones.
 */
export function tracePathSql(testId: string, w: Window): Statement {
  return {
    sql:
      'SELECT agent, ttl, hop_address, count(*) AS runs, count(*) FILTER (WHERE received > 0) AS answered_runs, ' +
      'sum(probes) AS probes, sum(received) AS received, ' +
      'avg(rtt_avg_ms) FILTER (WHERE received > 0) AS rtt_avg_ms, ' +
      'min(rtt_min_ms) FILTER (WHERE received > 0) AS rtt_min_ms, ' +
      'max(rtt_max_ms) FILTER (WHERE received > 0) AS rtt_max_ms ' +
      'FROM synth_trace WHERE test_id = $3 AND time >= $1 AND time < $2 AND ttl > 0 ' +
      'GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
    params: [...windowParams(w), testId],
  };
}

/** A trace test's newest rows (its latest runs, hop by hop), newest run first. */
export function traceLatestSql(testId: string, w: Window, limit = 2000): Statement {
  return {
    sql:
      'SELECT agent, time, ttl, hop_address, probes, received, rtt_avg_ms, reached, hops, error ' +
      'FROM synth_trace WHERE test_id = $3 AND time >= $1 AND time < $2 ' +
      `ORDER BY time DESC, ttl LIMIT ${limit}`,
    params: [...windowParams(w), testId],
  };
}
