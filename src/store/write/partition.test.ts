import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchPartition } from './partition.js';

const MIN = 60_000;
const M = Date.UTC(2026, 0, 2, 3, 4);

/** Brute force: rows grouped by (minute, device) in batch order, groups by minute then first appearance. */
function reference(time: Float64Array, device: Uint32Array) {
  const keys: string[] = [];
  const rows = new Map<string, number[]>();
  const firstSeen = new Map<number, number>();
  for (let r = 0; r < time.length; r++) {
    if (!firstSeen.has(device[r]!)) firstSeen.set(device[r]!, r);
    const key = `${Math.floor(time[r]! / MIN) * MIN}|${device[r]}`;
    if (!rows.has(key)) {
      rows.set(key, []);
      keys.push(key);
    }
    rows.get(key)!.push(r);
  }
  keys.sort((a, b) => {
    const [ma, da] = a.split('|').map(Number) as [number, number];
    const [mb, db] = b.split('|').map(Number) as [number, number];
    return ma - mb || firstSeen.get(da)! - firstSeen.get(db)!;
  });
  return keys.map((key) => ({ key, rows: rows.get(key)! }));
}

function actual(part: BatchPartition, time: Float64Array, device: Uint32Array) {
  const count = part.partition(time, device, time.length);
  return part.groups.slice(0, count).map((g) => ({
    key: `${g.minute}|${g.deviceId}`,
    rows: [...part.order.subarray(g.start, g.end)],
  }));
}

test('partition: groups by (minute, device), stable, against a brute-force grouping', () => {
  const part = new BatchPartition();
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (const [n, minutes, devices] of [
    [1, 1, 1],
    [50, 1, 1],
    [200, 1, 7],
    [300, 3, 5],
    [5000, 4, 70_000],
    [2000, 40, 3],
  ] as const) {
    const time = new Float64Array(n);
    const device = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      // Minutes in random order; ids around 65536 use both the table and the Map of slots.
      time[r] = M + Math.floor(random() * minutes) * MIN + Math.floor(random() * MIN);
      const k = Math.floor(random() * Math.min(devices, 9));
      device[r] = devices > 65535 ? 65500 + k * 10 : 1 + k;
    }
    assert.deepEqual(actual(part, time, device), reference(time, device), `n=${n}`);
  }
});

test('partition: no time or device column puts every row in minute 0, device 0; empty batches have no group', () => {
  const part = new BatchPartition();
  assert.equal(part.partition(undefined, undefined, 0), 0);
  assert.equal(part.partition(undefined, undefined, 3), 1);
  assert.deepEqual(
    { ...part.groups[0]!, order: [...part.order.subarray(0, 3)] },
    { minute: 0, deviceId: 0, start: 0, end: 3, order: [0, 1, 2] },
  );
});

test('partition: a NaN time is minute 0 rather than a new minute per row', () => {
  const part = new BatchPartition();
  const time = new Float64Array([Number.NaN, M, Number.NaN]);
  const count = part.partition(time, new Uint32Array([1, 1, 1]), 3);
  assert.deepEqual(
    part.groups.slice(0, count).map((g) => [g.minute, g.end - g.start]),
    [
      [0, 2],
      [M, 1],
    ],
  );
});
