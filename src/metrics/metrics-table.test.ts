import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { metricsRows, metricsTableSchema, tagsText } from './metrics-table.js';
import { Registry } from './registry.js';

/** The rows as objects, for comparison. */
function asObjects(rows: ReturnType<typeof metricsRows>): Record<string, unknown>[] {
  return Array.from({ length: rows.rows }, (_, i) =>
    Object.fromEntries(metricsTableSchema.columns.map((c) => [c.name, rows.columns[c.name]![i]])),
  );
}

test('metrics rows: one per finite value; fields as the OpenTSDB split; tag columns and text', () => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  registry
    .counter('flowlens_collector_packets_total', { device: 'edge1', tenant: 'acme', node: 'n,1' })
    .inc(7);
  registry.gauge('flowlens_store_open_rows').set(2.5);
  registry.gaugeFn('flowlens_store_broken_rows', () => Number.NaN);
  const h = registry.histogram('flowlens_ingest_batch_rows', { stage: 'decode' }, { reservoir: 'uniform' });
  for (const v of [1, 2, 3, 4]) h.update(v);
  registry.meter('flowlens_collector_flows_total', { reason: 'x=y' }).mark(10);
  clock.advance(10_000);
  const at = 1_700_000_010_123;
  const rows = asObjects(metricsRows(registry, at));
  const blank = { device: '', tenant: '', reason: '', stage: '', code: '' };
  const hist = ['count', 'sum', 'min', 'max', 'mean', 'stddev', 'p50', 'p75', 'p95', 'p99', 'p999'];
  const rates = ['m1_rate', 'm5_rate', 'm15_rate', 'mean_rate'];
  // Families sorted by name; NaN (the broken gauge) left out.
  assert.deepEqual(
    rows.map((r) => `${r.name}/${r.field}`),
    [
      ...['count', ...rates].map((f) => `flowlens_collector_flows_total/${f}`),
      'flowlens_collector_packets_total/',
      ...hist.map((f) => `flowlens_ingest_batch_rows/${f}`),
      'flowlens_store_open_rows/',
    ],
  );
  assert.ok(rows.every((r) => r.time === at));
  assert.deepEqual(rows[5], {
    time: at,
    name: 'flowlens_collector_packets_total',
    field: '',
    value: 7,
    tags: 'device=edge1,node=n\\,1,tenant=acme',
    ...blank,
    device: 'edge1',
    tenant: 'acme',
  });
  assert.deepEqual(rows.at(-1), {
    time: at,
    name: 'flowlens_store_open_rows',
    field: '',
    value: 2.5,
    tags: '',
    ...blank,
  });
  const byField = new Map(
    rows.filter((r) => r.name === 'flowlens_ingest_batch_rows').map((r) => [r.field, r]),
  );
  // Uniform reservoir over 1..4: count 4, sum 10, min 1, max 4, mean 2.5, p50 at position 2.5 → 2.5.
  assert.deepEqual(
    ['count', 'sum', 'min', 'max', 'mean', 'p50'].map((f) => byField.get(f)!.value),
    [4, 10, 1, 4, 2.5, 2.5],
  );
  assert.equal(byField.get('count')!.stage, 'decode');
  assert.equal(byField.get('count')!.tags, 'stage=decode');
  const meter = rows.filter((r) => r.name === 'flowlens_collector_flows_total');
  assert.equal(meter[0]!.value, 10);
  assert.equal(meter[0]!.reason, 'x=y');
  assert.equal(meter[0]!.tags, 'reason=x\\=y');
  // 10 marks over 10 s: a mean rate of 1/s.
  assert.equal(meter.find((r) => r.field === 'mean_rate')!.value, 1);
});

test('tags text: sorted keys, separators and backslashes in values escaped', () => {
  assert.equal(tagsText({}), '');
  assert.equal(tagsText({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(tagsText({ k: 'a\\b,c=d' }), 'k=a\\\\b\\,c\\=d');
});

test('an empty registry gives no rows', () => {
  const rows = metricsRows(new Registry({ clock: new ManualClock() }), 0);
  assert.equal(rows.rows, 0);
  for (const c of metricsTableSchema.columns) assert.equal(rows.columns[c.name]!.length, 0);
});
