import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { BoundedQueue } from './bounded-queue.js';
import { parseHostPort, putUrl } from './opentsdb-address.js';
import { telnetLine, tsdbPoints, tsdbText } from './opentsdb-points.js';
import { Registry } from './registry.js';

test('OpenTSDB points: names with suffixes per kind, common tags under own tags, no NaN', () => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  registry.counter('flowlens_collector_packets_total', { device: 'edge 1', host: 'own' }).inc(7);
  registry.gauge('flowlens_store_open_rows').set(2.5);
  registry.gaugeFn('flowlens_store_broken_rows', () => Number.NaN);
  registry.meter('flowlens_collector_flows_total').mark(10);
  const h = registry.histogram('flowlens_ingest_batch_rows', { tenant: '' }, { reservoir: 'uniform' });
  for (const v of [1, 2, 3, 4]) h.update(v);
  registry.timer('flowlens_query_plan_seconds').update(0.5);
  clock.advance(10_000);
  const points = tsdbPoints(registry, 1_700_000_010, { host: 'n1', service: 'server' });
  const byName = new Map(points.map((p) => [p.metric, p]));
  const names = points.map((p) => p.metric);
  const hist = ['count', 'sum', 'min', 'max', 'mean', 'stddev', 'p50', 'p75', 'p95', 'p99', 'p999'];
  const rates = ['m1_rate', 'm5_rate', 'm15_rate', 'mean_rate'];
  assert.deepEqual(names, [
    'flowlens_collector_flows_total.count',
    ...rates.map((r) => `flowlens_collector_flows_total.${r}`),
    'flowlens_collector_packets_total',
    ...hist.map((s) => `flowlens_ingest_batch_rows.${s}`),
    ...[...hist, ...rates].map((s) => `flowlens_query_plan_seconds.${s}`),
    'flowlens_store_open_rows',
  ]);
  const packets = byName.get('flowlens_collector_packets_total')!;
  assert.equal(packets.value, 7);
  assert.equal(packets.timestamp, 1_700_000_010);
  assert.deepEqual(packets.tags, { host: 'own', service: 'server', device: 'edge_1' });
  assert.deepEqual(byName.get('flowlens_ingest_batch_rows.count')!.tags, { host: 'n1', service: 'server' });
  // Uniform 1..4: p50 at position 2.5 → 2.5; the sample standard deviation √(5/3).
  assert.equal(byName.get('flowlens_ingest_batch_rows.p50')!.value, 2.5);
  assert.equal(byName.get('flowlens_ingest_batch_rows.stddev')!.value, Math.sqrt(5 / 3));
  // 10 marks over 10 s: a mean rate of 1/s.
  assert.equal(byName.get('flowlens_collector_flows_total.mean_rate')!.value, 1);
  assert.equal(byName.get('flowlens_query_plan_seconds.p99')!.value, 0.5);
  assert.equal(
    telnetLine(packets),
    'put flowlens_collector_packets_total 1700000010 7 host=own service=server device=edge_1\n',
  );
});

test('OpenTSDB text: letters, digits and -_./ pass; the rest become _', () => {
  assert.equal(tsdbText('edge-1.example/ge-0/0/0'), 'edge-1.example/ge-0/0/0');
  assert.equal(tsdbText('a b=c"d'), 'a_b_c_d');
  assert.equal(tsdbText('zürich'), 'zürich');
});

test('receiver addresses: host:port, [v6]:port, base URLs get /api/put', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:4242'), { host: '127.0.0.1', port: 4242 });
  assert.deepEqual(parseHostPort('[::1]:4242'), { host: '::1', port: 4242 });
  assert.deepEqual(parseHostPort('tsdb.example:4242'), { host: 'tsdb.example', port: 4242 });
  for (const bad of ['127.0.0.1', ':4242', '::1:4242', 'h:0', 'h:70000'])
    assert.throws(() => parseHostPort(bad), bad);
  assert.equal(putUrl('http://127.0.0.1:4242'), 'http://127.0.0.1:4242/api/put');
  assert.equal(putUrl('https://tsdb.example/api/put?details'), 'https://tsdb.example/api/put?details');
  assert.throws(() => putUrl('ftp://x'), /http/);
  assert.throws(() => putUrl('not a url'), /http/);
});

test('bounded queue: drops the oldest when full, and removes exactly what was sent', () => {
  const q = new BoundedQueue<number>(3);
  for (const v of [1, 2, 3]) assert.equal(q.push(v), 0);
  const { items, firstSeq } = q.peek(2);
  assert.deepEqual(items, [1, 2]);
  // While the batch is "in flight", two more arrive: 1 and 2 fall out of the full queue.
  assert.equal(q.push(4), 1);
  assert.equal(q.push(5), 1);
  assert.equal(q.dropped, 2);
  // Removing the sent batch [1, 2] must not take 3, which was never sent.
  assert.equal(q.removeBefore(firstSeq + items.length), 0);
  assert.deepEqual(q.take(10), [3, 4, 5]);
  assert.equal(q.size, 0);
});
