import type { HttpResult, PingResult, TraceHop, TraceResult } from '../../src/synth/contract.js';

/**
 * Deterministic synthetic results for the portal's tests: run k of agent `a` (0, 1, …) has known
 * numbers, lost replies, failures and path changes, so the tests can compute every figure the
 * pages show straight from these objects.
 */

export function pingResult(testId: string, time: number, k: number, a: number): PingResult {
  const received = (k + a) % 7 === 0 ? 0 : (k + a) % 3 === 0 ? 3 : 5;
  const rtts = Array.from({ length: 5 }, (_, i) =>
    i < received ? 1 + a + ((k * 3 + i * 7) % 11) / 4 : Number.NaN,
  );
  const got = rtts.filter((x) => !Number.isNaN(x));
  const mean = got.length === 0 ? Number.NaN : got.reduce((s, x) => s + x, 0) / got.length;
  let jitter = Number.NaN;
  if (got.length >= 2) {
    let d = 0;
    for (let i = 1; i < got.length; i++) d += Math.abs(got[i]! - got[i - 1]!);
    jitter = d / (got.length - 1);
  }
  return {
    testId,
    type: 'ping',
    target: '192.0.2.1',
    address: '192.0.2.1',
    time,
    ok: received > 0,
    error: received > 0 ? '' : 'timeout',
    sent: 5,
    received,
    lossPct: ((5 - received) / 5) * 100,
    rttMinMs: got.length === 0 ? Number.NaN : Math.min(...got),
    rttAvgMs: mean,
    rttMaxMs: got.length === 0 ? Number.NaN : Math.max(...got),
    rttStddevMs: Number.NaN,
    jitterMs: jitter,
    rttsMs: rtts,
  };
}

export function httpResult(testId: string, time: number, k: number): HttpResult {
  const ok = k % 5 !== 4;
  const phase = (base: number) => (ok ? base + (k % 4) / 2 : Number.NaN);
  const [dns, connect, tls, ttfb, transfer] = [phase(1), phase(2), phase(6), phase(10), phase(0.5)];
  return {
    testId,
    type: 'http',
    target: 'example.test',
    address: '192.0.2.80',
    time,
    ok,
    error: ok ? '' : 'timeout',
    status: ok ? 200 : 0,
    sizeBytes: ok ? 120 : 0,
    dnsMs: dns,
    connectMs: connect,
    tlsMs: tls,
    ttfbMs: ttfb,
    transferMs: transfer,
    totalMs: ok ? dns + connect + tls + ttfb + transfer + 0.25 : 10_000,
    tlsVersion: ok ? 'TLSv1.3' : '',
    certExpiry: Number.NaN,
    bodyMatched: false,
  };
}

/** Hop 1 always answers; hop 2 alternates between two routers; hop 3 (the target) loses a probe every third run; every seventh run stops at hop 2. */
export function traceResult(testId: string, time: number, k: number): TraceResult {
  const probe = (address: string, rttMs: number) => ({ address, rttMs });
  const lost = { address: '', rttMs: Number.NaN };
  const hop = (ttl: number, probes: { address: string; rttMs: number }[]): TraceHop => ({
    ttl,
    probes,
    lossPct: (probes.filter((p) => p.address === '').length / probes.length) * 100,
  });
  const h2 = k % 2 === 0 ? '10.1.0.2' : '10.1.0.3';
  const hops = [
    hop(1, [probe('10.0.0.1', 0.5), probe('10.0.0.1', 0.7), probe('10.0.0.1', 0.6 + k / 100)]),
    hop(2, [probe(h2, 3 + (k % 3)), probe(h2, 4), k % 4 === 0 ? lost : probe(h2, 5)]),
  ];
  const reached = k % 7 !== 6;
  if (reached)
    hops.push(
      hop(3, [
        probe('192.0.2.9', 8 + (k % 5)),
        k % 3 === 0 ? lost : probe('192.0.2.9', 9),
        probe('192.0.2.9', 10),
      ]),
    );
  return {
    testId,
    type: 'trace',
    target: '192.0.2.9',
    address: '192.0.2.9',
    time,
    ok: reached,
    error: reached ? '' : 'not_reached',
    protocol: 'udp',
    hops,
    reached,
  };
}
