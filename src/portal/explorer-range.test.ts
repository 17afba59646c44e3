import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coveredSeconds, presets, refreshSeconds, resolveRange, stepFor } from './explorer-range.js';

const at = (h: number, m: number, s = 0) => Date.UTC(2026, 0, 5, h, m, s);

test('a relative range ends with the current minute and starts on a step', () => {
  // 10:03:20, last 5 minutes, 1-minute steps: [09:59, 10:04), data up to now: 4 min 20 s.
  const w = resolveRange({ kind: 'relative', preset: '5m' }, at(10, 3, 20));
  assert.deepEqual(w, { from: at(9, 59), to: at(10, 4), stepSeconds: 60, end: at(10, 3, 20) });
  assert.equal(coveredSeconds(w), 260);
  // Last 24 hours: 288 steps of 5 minutes; the start is floored to 5 minutes.
  const d = resolveRange({ kind: 'relative', preset: '24h' }, at(10, 3, 20));
  assert.equal(d.stepSeconds, 300);
  assert.equal(d.from, Date.UTC(2026, 0, 4, 10, 0));
});

test('an absolute range is clipped to whole minutes; its past end is the end of data', () => {
  const w = resolveRange({ kind: 'absolute', from: at(8, 0, 30), to: at(9, 59, 59) }, at(12, 0));
  assert.deepEqual(w, { from: at(8, 0), to: at(10, 0), stepSeconds: 60, end: at(10, 0) });
  assert.equal(coveredSeconds(w), 7200);
  const future = resolveRange({ kind: 'absolute', from: at(10, 0), to: at(14, 0) }, at(11, 0, 30));
  assert.equal(future.end, at(11, 0, 30), 'no data after now');
});

test('steps: at least a minute, at most ~300 per range; refresh half a step within bounds', () => {
  for (const p of presets) {
    const step = stepFor(p.seconds);
    assert.ok(step >= 60 && p.seconds / step <= 300, `${p.id}: ${step}`);
  }
  assert.equal(refreshSeconds({ kind: 'relative', preset: '5m' }), 30);
  assert.equal(refreshSeconds({ kind: 'relative', preset: '30d' }), 300);
  assert.equal(refreshSeconds({ kind: 'absolute', from: 0, to: 1 }), 0);
});
