import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Level, splitTime } from './engine-jobs.js';
import { splitsBucket } from './exec/rollup-safety.js';

const H = 3_600_000;
const D = 24 * H;
const M = 60_000;
const levels = (dayUntil: number, hourUntil: number): Level[] => [
  { resolution: 'day', width: D, until: dayUntil },
  { resolution: 'hour', width: H, until: hourUntil },
];
const show = (segs: ReturnType<typeof splitTime>) => segs.map((s) => `${s.resolution}:${s.from}-${s.to}`);

test('splitTime covers [from, to) exactly: days, then hours, then minutes at the ragged ends', () => {
  const from = 2 * H + 7 * M;
  const to = 2 * D + 3 * H + 5 * M;
  const segs = splitTime(from, to, levels(Infinity, Infinity), { atoms: [] });
  assert.deepEqual(show(segs), [
    `minute:${from}-${3 * H}`,
    `hour:${3 * H}-${D}`,
    `day:${D}-${2 * D}`,
    `hour:${2 * D}-${2 * D + 3 * H}`,
    `minute:${2 * D + 3 * H}-${to}`,
  ]);
});

test('splitTime reads minutes where rollups are not complete yet', () => {
  const segs = splitTime(0, 2 * D, levels(D, D + 5 * H), { atoms: [] });
  assert.deepEqual(show(segs), [`day:0-${D}`, `hour:${D}-${D + 5 * H}`, `minute:${D + 5 * H}-${2 * D}`]);
});

test('a bucket split by a WHERE comparison is read from finer data', () => {
  const atoms = [{ op: 'eq' as const, value: D + 30 * M }]; // i_start_time <> c, or = c
  const segs = splitTime(0, 2 * D, levels(Infinity, Infinity), { atoms });
  assert.deepEqual(show(segs), [`day:0-${D}`, `minute:${D}-${D + H}`, `hour:${D + H}-${2 * D}`]);
  // t >= c splits only buckets with c strictly inside; t > c also the bucket starting at c.
  assert.equal(splitsBucket([{ op: 'ge', value: H }], H, H), false);
  assert.equal(splitsBucket([{ op: 'gt', value: H }], H, H), true);
  assert.equal(splitsBucket([{ op: 'lt', value: 2 * H }], H, H), false);
  assert.equal(splitsBucket([{ op: 'le', value: 2 * H - 1 }], H, H), true);
});
