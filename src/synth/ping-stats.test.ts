import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pingStats } from './ping-stats.js';

test('min/avg/max, population stddev and jitter over the replies, lost probes skipped', () => {
  const nan = Number.NaN;
  const s = pingStats([10, nan, 14, 11, nan, 13]);
  // By hand: replies 10, 14, 11, 13 → mean 12; squared deviations 4, 4, 1, 1 → variance 10 / 4;
  // consecutive differences |14−10|, |11−14|, |13−11| = 4, 3, 2 → jitter 3.
  assert.equal(s.received, 4);
  assert.equal(s.rttMinMs, 10);
  assert.equal(s.rttMaxMs, 14);
  assert.equal(s.rttAvgMs, 12);
  assert.equal(s.rttStddevMs, Math.sqrt(10 / 4));
  assert.equal(s.jitterMs, 3);
});

test('one reply has no jitter; none has no statistics', () => {
  const one = pingStats([Number.NaN, 5]);
  assert.deepEqual([one.received, one.rttMinMs, one.rttAvgMs, one.rttStddevMs], [1, 5, 5, 0]);
  assert.ok(Number.isNaN(one.jitterMs));
  const none = pingStats([Number.NaN, Number.NaN]);
  assert.equal(none.received, 0);
  for (const v of [none.rttMinMs, none.rttAvgMs, none.rttMaxMs, none.rttStddevMs, none.jitterMs])
    assert.ok(Number.isNaN(v));
});

test('agrees with a two-pass reference on random samples', () => {
  for (let n = 0; n < 100; n++) {
    const rtts = Array.from({ length: 1 + Math.floor(Math.random() * 50) }, () =>
      Math.random() < 0.2 ? Number.NaN : Math.random() * 100,
    );
    const got = rtts.filter((x) => !Number.isNaN(x));
    const s = pingStats(rtts);
    if (got.length === 0) continue;
    const mean = got.reduce((a, b) => a + b, 0) / got.length;
    const variance = got.reduce((a, b) => a + (b - mean) ** 2, 0) / got.length;
    assert.ok(Math.abs(s.rttAvgMs - mean) < 1e-9);
    assert.ok(Math.abs(s.rttStddevMs - Math.sqrt(variance)) < 1e-9);
    assert.equal(s.rttMinMs, Math.min(...got));
    assert.equal(s.rttMaxMs, Math.max(...got));
    if (got.length > 1) {
      const diffs = got.slice(1).map((x, i) => Math.abs(x - got[i]!));
      assert.ok(Math.abs(s.jitterMs - diffs.reduce((a, b) => a + b, 0) / diffs.length) < 1e-9);
    }
  }
});
