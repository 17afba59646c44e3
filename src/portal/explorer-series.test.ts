import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketTimes, pivotSeries } from './explorer-series.js';

const t = (m: number, s = 0) => Date.UTC(2026, 0, 5, 10, m, s);
const iso = (ms: number) => new Date(ms).toISOString();

test('pivot: one aligned array per group, absent buckets 0, "other" = totals minus the drawn groups', () => {
  // A past window of three whole minutes: no bucket is partial.
  const window = { from: t(0), to: t(3), stepSeconds: 60, end: t(3) };
  assert.deepEqual(bucketTimes(window), [t(0), t(1), t(2)]);
  const data = pivotSeries({
    window,
    dims: ['src_as', 'protocol'],
    keys: [
      [15169, 6],
      [13335, 17],
    ],
    rows: [
      [iso(t(0)), 15169, 6, 100],
      [iso(t(2)), 15169, 6, 300],
      [iso(t(1)), 13335, 17, 50],
      [iso(t(1)), 64512, 6, 999], // not a drawn group: ignored
    ],
    additive: true,
    totals: [
      [iso(t(0)), 150],
      [iso(t(1)), 50],
      [iso(t(2)), 310],
    ],
  });
  assert.deepEqual(data.times, [t(0), t(1), t(2)]);
  assert.deepEqual(
    data.series.map((s) => [s.label, s.values, s.other]),
    [
      ['AS15169 · TCP', [100, 0, 300], false],
      ['AS13335 · UDP', [0, 50, 0], false],
      ['Other', [50, 0, 10], true],
    ],
  );
});

test('pivot: non-additive metrics leave gaps and get no "other"', () => {
  const window = { from: t(0), to: t(2), stepSeconds: 60, end: t(2) };
  const data = pivotSeries({
    window,
    dims: ['src_geo'],
    keys: [['US']],
    rows: [[iso(t(1)), 'US', 42.5]],
    additive: false,
    totals: [[iso(t(1)), 100]],
  });
  assert.deepEqual(data.series, [{ label: 'US', values: [null, 42.5], other: false }]);
});

test('pivot: a rate in a bucket covered in part is divided by the seconds covered', () => {
  // Now is 10:02:15: the 10:02 bucket holds 15 s of flows; its per-minute rate (sum/60) is
  // scaled by 60/15. A bucket covered for under 5 s is a gap.
  const window = { from: t(0), to: t(3), stepSeconds: 60, end: t(2, 15) };
  const rows = [
    [iso(t(0)), 1, 60],
    [iso(t(1)), 1, 60],
    [iso(t(2)), 1, 15],
  ];
  const data = pivotSeries({ window, dims: ['src_as'], keys: [[1]], rows, additive: true });
  assert.deepEqual(data.series[0]!.values, [60, 60, 60]);
  const early = pivotSeries({
    window: { ...window, end: t(2, 3) },
    dims: ['src_as'],
    keys: [[1]],
    rows,
    additive: true,
  });
  assert.deepEqual(early.series[0]!.values, [60, 60, null]);
});
