import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { MetricNameError } from './names.js';
import { overflowTagValue, Registry, refusedTagValuesName } from './registry.js';

test('the same name and tags give the same metric, whatever the tag order', () => {
  const registry = new Registry();
  const a = registry.counter('flowlens_collector_packets_total', { device: 'edge1', tenant: 'acme' });
  const b = registry.counter('flowlens_collector_packets_total', { tenant: 'acme', device: 'edge1' });
  const c = registry.counter('flowlens_collector_packets_total', { device: 'edge2', tenant: 'acme' });
  assert.equal(a, b);
  assert.notEqual(a, c);
  a.inc();
  b.inc(4);
  assert.equal(a.count, 5);
  assert.equal(c.count, 0);
  assert.deepEqual(Object.keys(a.tags), ['device', 'tenant']);
  assert.equal(registry.families().length, 1);
  assert.equal(registry.families()[0]!.series.length, 2);
});

test('names are flowlens_<component>_<name>_<unit>; tag keys are label names; kinds do not mix', () => {
  const registry = new Registry();
  for (const bad of [
    'collector_packets_total',
    'flowlens_packets',
    'flowlens_Collector_x_y',
    'flowlens_a_b-c_d',
  ])
    assert.throws(() => registry.counter(bad), MetricNameError, bad);
  for (const key of ['quantile', 'le', '__name', '1x', 'a-b'])
    assert.throws(() => registry.gauge('flowlens_store_open_rows', { [key]: 'v' }), MetricNameError, key);
  registry.gauge('flowlens_store_open_rows');
  assert.throws(() => registry.counter('flowlens_store_open_rows'), /is a gauge, not a counter/);
  // A counter named without _total is exposed with it: a gauge may not take that name.
  registry.counter('flowlens_query_queued_jobs');
  assert.throws(
    () => registry.gauge('flowlens_query_queued_jobs_total'),
    /collides with metric flowlens_query_queued_jobs/,
  );
  // A timer exposes <name>_count: a gauge of that name would collide.
  registry.timer('flowlens_query_parse_seconds');
  assert.throws(() => registry.gauge('flowlens_query_parse_seconds_count'), /collides/);
});

test('past maxTagValues distinct values of a tag key, new values become "other", counted', () => {
  const registry = new Registry({ maxTagValues: 3 });
  const name = 'flowlens_collector_packets_total';
  for (const d of ['a', 'b', 'c']) registry.counter(name, { device: d, kind: 'x' }).inc();
  const d = registry.counter(name, { device: 'd', kind: 'x' });
  const e = registry.counter(name, { device: 'e', kind: 'x' });
  assert.equal(d, e, 'both land on the overflow series');
  assert.equal(d.tags.device, overflowTagValue);
  assert.equal(d.tags.kind, 'x', 'other keys keep their values');
  // Known values still get their own series.
  assert.equal(registry.counter(name, { device: 'a', kind: 'x' }).count, 1);
  const refused = registry.counter(refusedTagValuesName, { metric: name, tag: 'device' });
  assert.equal(refused.count, 2);
});

test('gaugeFn reads its function at export; registering again replaces it; a throwing one reads NaN', () => {
  const registry = new Registry();
  let depth = 3;
  const g = registry.gaugeFn('flowlens_query_queue_jobs', () => depth);
  assert.equal(g.value, 3);
  depth = 7;
  assert.equal(g.value, 7);
  assert.equal(
    registry.gaugeFn('flowlens_query_queue_jobs', () => 1),
    g,
  );
  assert.equal(g.value, 1);
  const broken = registry.gaugeFn('flowlens_query_broken_jobs', () => {
    throw new Error('gone');
  });
  assert.ok(Number.isNaN(broken.value));
  const c = registry.counterFn('flowlens_ingest_stored_rows', () => 12);
  assert.equal(c.count, 12);
});

test('counters never go down; gauges set, inc and dec', () => {
  const registry = new Registry();
  const c = registry.counter('flowlens_test_events_total');
  c.inc(2);
  c.inc(-5);
  c.inc(Number.NaN);
  assert.equal(c.count, 2);
  const g = registry.gauge('flowlens_test_depth_items');
  g.set(10);
  g.inc();
  g.dec(3);
  assert.equal(g.value, 8);
});

test('histogram: count and sum of everything, non-finite values ignored, uniform reservoir on request', () => {
  const registry = new Registry();
  const h = registry.histogram('flowlens_test_size_bytes', {}, { reservoir: 'uniform' });
  for (const v of [1, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY]) h.update(v);
  assert.equal(h.count, 4);
  assert.equal(h.sum, 10);
  // Uniform: q = 0.5 of 4 values at position 2.5: 2 + 0.5·(3 − 2).
  assert.equal(h.snapshot().quantile(0.5), 2.5);
});

test('timer.time: sync, async, and throwing functions are all timed, in seconds', async () => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  const timer = registry.timer('flowlens_query_plan_seconds');
  const result = timer.time(() => {
    clock.advance(250);
    return 'planned';
  });
  assert.equal(result, 'planned');
  assert.throws(() =>
    timer.time(() => {
      clock.advance(1000);
      throw new Error('bad plan');
    }),
  );
  let finish!: (v: number) => void;
  const pending = timer.time(() => new Promise<number>((resolve) => (finish = resolve)));
  assert.equal(timer.count, 2, 'an async call is recorded when it settles');
  clock.advance(2000);
  finish(42);
  assert.equal(await pending, 42);
  await Promise.resolve();
  assert.equal(timer.count, 3);
  const rejected = timer.time(async () => {
    clock.advance(500);
    throw new Error('late failure');
  });
  await assert.rejects(rejected, /late failure/);
  await Promise.resolve();
  assert.equal(timer.count, 4);
  assert.equal(timer.sum, 0.25 + 1 + 2 + 0.5);
  const s = timer.snapshot();
  assert.equal(s.min, 0.25);
  assert.equal(s.max, 2);
  const t0 = timer.start();
  clock.advance(125);
  assert.equal(timer.stop(t0), 0.125);
  assert.equal(timer.count, 5);
});

test('a timer meters its events: the rates move as a meter of one per recorded duration', () => {
  const clock = new ManualClock();
  const registry = new Registry({ clock });
  const timer = registry.timer('flowlens_query_job_seconds');
  for (let i = 0; i < 5; i++) timer.update(0.01);
  clock.advance(5_001);
  // One tick of 5 events: the first tick sets each average to 5 events / 5 s = 1/s.
  assert.equal(timer.m1Rate, 1);
  assert.equal(timer.m15Rate, 1);
  assert.ok(Math.abs(timer.meanRate - 5 / 5.001) < 1e-12, `mean rate ${timer.meanRate}`);
});
