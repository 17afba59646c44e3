import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerQueryEngineStats } from '../server/query-engine.js';
import { queryHealth } from './health-query.js';

function fakeEngine() {
  const stats: ServerQueryEngineStats = {
    statements: 0,
    flowQueries: 0,
    running: 0,
    errors: {},
    canceled: 0,
    timedOut: 0,
    workers: { size: 2, live: 2, busy: 0, queued: 0, jobsRun: 0, crashes: 0 },
    memo: { hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 },
    limits: { refused: { rate: 0, concurrency: 0, rows: 0 }, timeouts: 0 },
  };
  return { stats, source: { stats: () => stats } };
}

test('jobs, queries and the memo hit rate of the last minute', () => {
  const { stats, source } = fakeEngine();
  const health = queryHealth(source);
  const first = health.check(0);
  assert.equal(first.values.memo_hit_rate, '-', 'no lookups yet');
  stats.workers.jobsRun = 500;
  stats.flowQueries = 5;
  stats.memo.hits = 30;
  stats.memo.misses = 10;
  stats.limits.refused.rate = 2;
  const c = health.check(10_000);
  assert.equal(c.status, 'GOOD');
  assert.equal(c.values.jobs_per_s, 50);
  assert.equal(c.values.queries_per_s, 0.5);
  assert.equal(c.values.memo_hit_rate, 0.75);
  assert.equal(c.values.refused_last_min, 2);
  assert.equal(c.values.workers, '2/2');
});

test('WARN when the queue stays deep, on worker crashes and on server-side query errors', () => {
  const { stats, source } = fakeEngine();
  const health = queryHealth(source, { deepQueueJobs: 100, deepQueueMs: 10_000 });
  stats.workers.queued = 5_000;
  assert.equal(health.check(0).status, 'GOOD', 'a deep queue is normal for a moment');
  assert.equal(health.check(5_000).status, 'GOOD');
  let c = health.check(10_000);
  assert.equal(c.status, 'WARN');
  assert.deepEqual(c.reasons, ['5000 jobs queued, over 100 for 10 s: the workers cannot keep up']);
  stats.workers.queued = 50;
  assert.equal(health.check(15_000).status, 'GOOD', 'drained');
  stats.workers.crashes = 1;
  stats.errors = { XX000: 2, '42601': 9 };
  c = health.check(20_000);
  assert.deepEqual(c.reasons, [
    '1 query worker crashes in the last minute',
    '2 queries failed with an internal or I/O error in the last minute',
  ]);
});
