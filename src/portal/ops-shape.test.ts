import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opsPanels, opsSql, type Panel } from './ops-panels.js';
import { latest, opsData, panelSeries, parseTags, totalIncrease } from './ops-shape.js';

const fields = ['t', 'name', 'field', 'tags', 'max', 'avg'].map((name) => ({ name }));
const T = (s: number) => new Date(Date.UTC(2026, 0, 5, 10) + s * 1000).toISOString();

test('parseTags reads k=v lists with escaped values', () => {
  assert.deepEqual(parseTags(''), {});
  assert.deepEqual(parseTags('device=a\\,b,tenant=x\\=y'), { device: 'a,b', tenant: 'x=y' });
});

test('counters become rates (a reset counted from zero), split by a tag; gauges summed over tags', () => {
  const data = opsData({
    fields,
    rows: [
      [T(0), 'c', '', 'reason=a', 100, 90],
      [T(10), 'c', '', 'reason=a', 150, 120],
      // The server restarted: 20 since it did.
      [T(20), 'c', '', 'reason=a', 20, 10],
      [T(0), 'c', '', 'reason=b', 0, 0],
      [T(10), 'c', '', 'reason=b', 0, 0],
      [T(20), 'c', '', 'reason=b', 5, 5],
      [T(10), 'g', '', 'tenant=x', 7, 4],
      [T(10), 'g', '', 'tenant=y', 9, 6],
      [T(20), 'g', '', 'tenant=y', 1, 1],
      [T(0), 'h', '', '', 10, 10],
      [T(10), 'h', '', '', 13, 13],
      [T(20), 'h', '', '', 13, 13],
      [T(0), 'm', '', '', 0, 0],
      [T(10), 'm', '', '', 1, 1],
      [T(20), 'm', '', '', 1, 1],
      [T(20), 'junk', '', '', 'NaN', 'NaN'],
    ],
  });
  const panel: Panel = {
    id: 'x',
    title: 'x',
    unit: 'per-second',
    series: [
      { label: 'total', kind: 'rate', metric: { name: 'c', field: '' } },
      { label: 'by', kind: 'rate', metric: { name: 'c', field: '' }, splitBy: 'reason' },
      { label: 'gauge', kind: 'gauge', agg: 'avg', metric: { name: 'g', field: '' } },
      {
        label: 'only y',
        kind: 'gauge',
        agg: 'max',
        scale: 2,
        metric: { name: 'g', field: '', tags: { tenant: 'y' } },
      },
      { label: 'hits', kind: 'hit-ratio', hit: { name: 'h', field: '' }, miss: { name: 'm', field: '' } },
      { label: 'absent', kind: 'rate', metric: { name: 'nope', field: '' } },
    ],
  };
  assert.deepEqual(data.times, [Date.parse(T(0)), Date.parse(T(10)), Date.parse(T(20))]);
  assert.deepEqual(panelSeries(panel, data), [
    // a: +50 then +20 over 10 s; b: 0 then +5.
    { label: 'total', values: [null, 5, 2.5] },
    { label: 'a', values: [null, 5, 2] },
    { label: 'b', values: [null, 0, 0.5] },
    { label: 'gauge', values: [null, 10, 1] },
    { label: 'only y', values: [null, 18, 2] },
    // 3 hits, 1 miss: 75 %; then nothing happened: no ratio.
    { label: 'hits', values: [null, 75, null] },
    { label: 'absent', values: [null, null, null] },
  ]);
  assert.equal(totalIncrease(data, { name: 'c', field: '' }), 75);
  assert.equal(totalIncrease(data, { name: 'nope', field: '' }), null);
  assert.equal(latest([1, null, 3, null]), 3);
  assert.equal(latest([null]), null);
});

test('opsSql names every metric and field of the panels once, as parameters', () => {
  const st = opsSql(opsPanels, { fromMs: 0, toMs: 3_600_000, live: true }, 15);
  assert.match(st.sql, /time_bucket\(interval '15 seconds', time\)/);
  const names = st.params.slice(2).filter((p) => String(p).startsWith('flowlens_'));
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.includes('flowlens_query_statement_seconds'));
  assert.deepEqual(st.params.slice(2 + names.length).sort(), ['', 'count', 'p50', 'p95', 'p99']);
});
