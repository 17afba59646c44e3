import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestRuns, tracePaths } from './synth-trace.js';

const answer = (fields: string[], rows: (string | number | null)[][]) => ({
  fields: fields.map((name) => ({ name })),
  rows,
});

test('tracePaths: per agent and ttl, addresses by runs, loss over probes, RTT weighted by answered runs', () => {
  const a = answer(
    [
      'agent',
      'ttl',
      'hop_address',
      'runs',
      'answered_runs',
      'probes',
      'received',
      'rtt_avg_ms',
      'rtt_min_ms',
      'rtt_max_ms',
    ],
    [
      ['a-2', 1, '10.9.0.1', 2, 2, 6, 6, 1, 0.5, 1.5],
      ['a-1', 1, '10.0.0.1', 4, 4, 12, 12, 0.5, 0.2, 0.9],
      // ttl 2 went two ways (ECMP): 3 runs by .2 and 1 run by .3, which answered 2 of 3 probes.
      ['a-1', 2, '10.0.1.3', 1, 1, 3, 2, 8, 7, 9],
      ['a-1', 2, '10.0.1.2', 3, 3, 9, 9, 4, 3, 6],
      ['a-1', 3, '', 4, 0, 12, 0, 'NaN', 'NaN', 'NaN'],
    ],
  );
  const paths = tracePaths(a);
  assert.deepEqual(
    paths.map((p) => [p.agent, p.hops.map((h) => h.ttl)]),
    [
      ['a-1', [1, 2, 3]],
      ['a-2', [1]],
    ],
  );
  const [h1, h2, h3] = paths[0]!.hops;
  assert.equal(h1!.lossPct, 0);
  assert.deepEqual(h2!.addresses, [
    { address: '10.0.1.2', runs: 3 },
    { address: '10.0.1.3', runs: 1 },
  ]);
  // 11 of 12 probes answered; RTT (3 × 4 + 1 × 8) / 4 runs; min and max over both addresses.
  assert.equal(h2!.lossPct, (1 / 12) * 100);
  assert.equal(h2!.rttAvgMs, 5);
  assert.deepEqual([h2!.rttMinMs, h2!.rttMaxMs], [3, 9]);
  assert.equal(h3!.lossPct, 100);
  assert.deepEqual([h3!.rttAvgMs, h3!.rttMinMs, h3!.rttMaxMs], [null, null, null]);
});

test('latestRuns keeps each agent’s newest run only, its hops in order', () => {
  const t1 = '2026-01-05T10:01:00.000Z';
  const t0 = '2026-01-05T10:00:00.000Z';
  const a = answer(
    ['agent', 'time', 'ttl', 'hop_address', 'probes', 'received', 'rtt_avg_ms', 'reached', 'hops', 'error'],
    [
      ['a-1', t1, 1, '10.0.0.1', 3, 3, 0.5, 0, 2, 'not_reached'],
      ['a-1', t1, 2, '', 3, 0, 'NaN', 0, 2, 'not_reached'],
      ['a-2', t1, 0, '', 0, 0, 'NaN', 0, 0, 'dns_failed'],
      ['a-1', t0, 1, '10.0.0.9', 3, 3, 0.4, 1, 1, ''],
    ],
  );
  assert.deepEqual(latestRuns(a), [
    {
      agent: 'a-1',
      timeMs: Date.parse(t1),
      reached: false,
      hops: 2,
      error: 'not_reached',
      path: [
        { ttl: 1, address: '10.0.0.1', rttMs: 0.5 },
        { ttl: 2, address: '', rttMs: null },
      ],
    },
    { agent: 'a-2', timeMs: Date.parse(t1), reached: false, hops: 0, error: 'dns_failed', path: [] },
  ]);
});
