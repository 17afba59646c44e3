import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryAnswer } from '../src/portal/pages-cells.js';
import { phaseBreakdown, testCharts } from '../src/portal/synth-series.js';
import {
  httpPhasesByAgentSql,
  lastErrorsSql,
  type SynthType,
  seriesSql,
  statusSql,
  tracePathSql,
} from '../src/portal/synth-sql.js';
import { type TestView, testStatuses } from '../src/portal/synth-status.js';
import { tracePaths } from '../src/portal/synth-trace.js';
import type { HttpResult, PingResult, TestResult, TraceResult } from '../src/synth/contract.js';
import { tempDir } from './helpers/peers.js';
import { runStatement } from './helpers/portal-sql.js';
import { postResults, registerAgent } from './helpers/synth-feed.js';
import { httpResult, pingResult, traceResult } from './helpers/synth-results.js';
import { basicAuth, preSharedToken, startSynthServer } from './helpers/synth-server.js';

/**
 * The Synthetic tests pages' statements, run by the real engine over the synth_* tables of a
 * SynthService through POST /api/v1/query, after two agents posted results of known numbers
 * (helpers/synth-results.ts); every figure the pages show is computed again here from the result
 * objects themselves.
 */

const T0 = Date.UTC(2026, 0, 5, 10, 0);
const RUNS = 20;
const STEP = 30_000;
const close = (actual: number | null | undefined, expected: number, what: string) =>
  assert.ok(
    actual != null && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

test('status, per-agent series, HTTP phases and the trace path match the posted results', async (t) => {
  const s = await startSynthServer(t, tempDir(t, 'flowlens-portal-synth-'));
  const auth = basicAuth('flowlens');
  const create = async (body: unknown) => {
    const res = await fetch(`${s.url}/api/v1/synth/tests`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { test: TestView }).test;
  };
  const ping = await create({ type: 'ping', target: '192.0.2.1', intervalS: 30 });
  const http = await create({ type: 'http', url: 'https://example.test/', intervalS: 30 });
  const trace = await create({ type: 'trace', target: '192.0.2.9', intervalS: 30 });
  const idle = await create({ type: 'tcp', target: '192.0.2.1', port: 22 });
  const agents = [
    await registerAgent(s.url, preSharedToken, 'probe-a'),
    await registerAgent(s.url, preSharedToken, 'probe-b'),
  ];

  const sent = new Map<string, TestResult[]>(agents.map((a) => [a, []]));
  agents.forEach((a, i) => {
    for (let k = 0; k < RUNS; k++) {
      const time = T0 + k * STEP + i * 1000;
      sent.get(a)!.push(pingResult(ping.id, time, k, i));
      if (i === 0) sent.get(a)!.push(httpResult(http.id, time, k), traceResult(trace.id, time, k));
    }
  });
  for (const a of agents)
    assert.equal((await postResults(s.url, preSharedToken, a, sent.get(a)!)).stored, sent.get(a)!.length);
  const run = (st: Parameters<typeof runStatement>[2]) => runStatement(s.url, auth, st);
  const w = { fromMs: T0, toMs: T0 + RUNS * STEP, live: false };
  const ofType = <R extends TestResult>(a: string, type: R['type']) =>
    sent.get(a)!.filter((r): r is R => r.type === type);

  // The list: one status and error query per type, as the page runs them.
  const status = new Map<SynthType, QueryAnswer>();
  const errors = new Map<SynthType, QueryAnswer>();
  for (const type of ['ping', 'http', 'trace', 'tcp'] as const) {
    status.set(type, await run(statusSql(type, w)));
    errors.set(type, await run(lastErrorsSql(type, w)));
  }
  const rows = testStatuses([ping, http, trace, idle], status, errors, w.toMs);
  const byId = new Map(rows.map((r) => [r.test.id, r]));
  assert.equal(byId.get(idle.id)!.status, 'no data');
  for (const [i, a] of agents.entries()) {
    const results = ofType<PingResult>(a, 'ping');
    const row = byId.get(ping.id)!.agents.find((x) => x.agent === a)!;
    assert.equal(row.runs, RUNS);
    close(row.availability, results.filter((r) => r.ok).length / RUNS, `ping availability of agent ${i}`);
    close(row.latencyMs, mean(results.filter((r) => r.received > 0).map((r) => r.rttAvgMs)), 'ping latency');
    close(row.lossPct, mean(results.map((r) => r.lossPct)), 'ping loss');
    const last = results.at(-1)!;
    assert.equal(row.failing, !last.ok, 'failing when the newest run failed');
    const failed = results.filter((r) => !r.ok);
    assert.equal(row.lastError, failed.length === 0 ? '' : failed.at(-1)!.error);
  }
  const traces = ofType<TraceResult>(agents[0]!, 'trace');
  const traceRow = byId.get(trace.id)!;
  assert.equal(traceRow.runs, RUNS, 'a trace run counts once, not once per hop');
  close(traceRow.availability, traces.filter((r) => r.reached).length / RUNS, 'trace availability');
  const lastHops = traces.filter((r) => r.reached).map((r) => r.hops.at(-1)!);
  close(
    traceRow.latencyMs,
    mean(lastHops.map((h) => mean(h.probes.filter((p) => p.address !== '').map((p) => p.rttMs)))),
    'trace latency',
  );
  assert.equal(traceRow.status, traces.at(-1)!.ok ? 'ok' : 'failing');

  // Ping charts per agent and minute.
  const charts = testCharts(await run(seriesSql('ping', ping.id, w, 60)));
  assert.deepEqual(
    charts.latency.series.map((x) => x.key),
    [...agents].sort(),
  );
  for (const a of agents) {
    const series = (p: typeof charts.latency) => p.series.find((x) => x.key === a)!.values;
    charts.latency.times.forEach((m, j) => {
      const inMinute = ofType<PingResult>(a, 'ping').filter((r) => r.time >= m && r.time < m + 60_000);
      const replied = inMinute.filter((r) => r.received > 0);
      const latency = series(charts.latency)[j] ?? null;
      if (replied.length === 0) assert.equal(latency, null);
      else close(latency, mean(replied.map((r) => r.rttAvgMs)), `latency ${a} minute ${j}`);
      const jittered = inMinute.filter((r) => r.received > 1);
      if (jittered.length > 0)
        close(series(charts.jitter!)[j], mean(jittered.map((r) => r.jitterMs)), 'jitter');
      close(series(charts.loss)[j], mean(inMinute.map((r) => r.lossPct)), 'loss');
    });
  }

  // HTTP phases over the window (successful runs only).
  const [phases] = phaseBreakdown(await run(httpPhasesByAgentSql(http.id, w)));
  const okRuns = ofType<HttpResult>(agents[0]!, 'http').filter((r) => r.ok);
  assert.equal(phases!.runs, RUNS);
  const expected = [
    okRuns.map((r) => r.dnsMs),
    okRuns.map((r) => r.connectMs),
    okRuns.map((r) => r.tlsMs),
    okRuns.map((r) => r.ttfbMs),
    okRuns.map((r) => r.transferMs),
  ];
  for (const [i, p] of phases!.phases.entries()) close(p.ms, mean(expected[i]!), p.label);
  close(phases!.totalMs, mean(okRuns.map((r) => r.totalMs)), 'total');

  // The trace path, hop by hop: probes answered per ttl, addresses by runs, RTT of answered runs.
  const [path] = tracePaths(await run(tracePathSql(trace.id, w)));
  assert.equal(path!.agent, agents[0]);
  assert.deepEqual(
    path!.hops.map((h) => h.ttl),
    [1, 2, 3],
  );
  for (const hop of path!.hops) {
    const hops = traces.flatMap((r) => r.hops.filter((h) => h.ttl === hop.ttl));
    const probes = hops.flatMap((h) => h.probes);
    const answered = probes.filter((p) => p.address !== '');
    assert.equal(hop.probes, probes.length);
    assert.equal(hop.received, answered.length);
    close(hop.lossPct, ((probes.length - answered.length) / probes.length) * 100, `loss at ttl ${hop.ttl}`);
    close(
      hop.rttAvgMs,
      mean(hops.map((h) => mean(h.probes.filter((p) => p.address !== '').map((p) => p.rttMs)))),
      `rtt at ttl ${hop.ttl}`,
    );
    assert.equal(hop.rttMinMs, Math.min(...answered.map((p) => p.rttMs)));
    const runsBy = new Map<string, number>();
    for (const h of hops) {
      const first = h.probes.find((p) => p.address !== '')!.address;
      runsBy.set(first, (runsBy.get(first) ?? 0) + 1);
    }
    assert.deepEqual(
      hop.addresses,
      [...runsBy]
        .map(([address, runs]) => ({ address, runs }))
        .sort((x, y) => y.runs - x.runs || (x.address < y.address ? -1 : 1)),
    );
  }
});
