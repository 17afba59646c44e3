import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { escapeHelp, escapeLabelValue, formatValue, prometheusText } from './prometheus.js';
import { Registry } from './registry.js';

test('exposition format 0.0.4: HELP/TYPE, _total counters, meters, summaries, escaping, NaN and Inf', () => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  registry
    .counter(
      'flowlens_collector_packets_total',
      { tenant: 'acme', device: 'edge "1"\\\nb' },
      { help: 'Packets received' },
    )
    .inc(42);
  registry.counter('flowlens_query_queued_jobs').inc(3);
  registry.gauge('flowlens_store_open_rows', {}, { help: 'Rows in C:\\data\nopen minutes' }).set(1.5);
  registry.gaugeFn('flowlens_store_broken_rows', () => Number.NaN);
  registry.gaugeFn('flowlens_store_infinite_rows', () => Number.NEGATIVE_INFINITY);
  registry.meter('flowlens_collector_flows_total', {}, { help: 'Flows decoded' }).mark(10);
  const h = registry.histogram('flowlens_ingest_batch_rows', { api: 'rest' }, { reservoir: 'uniform' });
  for (const v of [4, 2, 1, 3]) h.update(v);
  registry.timer('flowlens_query_plan_seconds').update(0.25);
  clock.advance(8_000);

  // By hand. Families sorted by name. The meter and timer each saw one 5 s tick (age 8 s > 5 s):
  // meter 10 events / 5 s = 2/s, timer 1 / 5 s = 0.2/s in all three averages (the first tick sets
  // them outright); mean rates 10/8 s = 1.25/s and 1/8 s = 0.125/s. The uniform histogram of
  // 1..4 interpolates at q·(n + 1): 0.5 → 2.5, 0.75 → 3.75, 0.95 and up → past the end → 4.
  // The decaying timer reservoir holds one sample: every quantile is 0.25.
  const expected = `# HELP flowlens_collector_flows_total Flows decoded
# TYPE flowlens_collector_flows_total counter
flowlens_collector_flows_total 10
# HELP flowlens_collector_flows_m1_rate Flows decoded (1-minute EWMA rate, per second)
# TYPE flowlens_collector_flows_m1_rate gauge
flowlens_collector_flows_m1_rate 2
# HELP flowlens_collector_flows_m5_rate Flows decoded (5-minute EWMA rate, per second)
# TYPE flowlens_collector_flows_m5_rate gauge
flowlens_collector_flows_m5_rate 2
# HELP flowlens_collector_flows_m15_rate Flows decoded (15-minute EWMA rate, per second)
# TYPE flowlens_collector_flows_m15_rate gauge
flowlens_collector_flows_m15_rate 2
# HELP flowlens_collector_flows_mean_rate Flows decoded (mean rate since start, per second)
# TYPE flowlens_collector_flows_mean_rate gauge
flowlens_collector_flows_mean_rate 1.25
# HELP flowlens_collector_packets_total Packets received
# TYPE flowlens_collector_packets_total counter
flowlens_collector_packets_total{device="edge \\"1\\"\\\\\\nb",tenant="acme"} 42
# TYPE flowlens_ingest_batch_rows summary
flowlens_ingest_batch_rows{api="rest",quantile="0.5"} 2.5
flowlens_ingest_batch_rows{api="rest",quantile="0.75"} 3.75
flowlens_ingest_batch_rows{api="rest",quantile="0.95"} 4
flowlens_ingest_batch_rows{api="rest",quantile="0.99"} 4
flowlens_ingest_batch_rows{api="rest",quantile="0.999"} 4
flowlens_ingest_batch_rows_sum{api="rest"} 10
flowlens_ingest_batch_rows_count{api="rest"} 4
# TYPE flowlens_query_plan_seconds summary
flowlens_query_plan_seconds{quantile="0.5"} 0.25
flowlens_query_plan_seconds{quantile="0.75"} 0.25
flowlens_query_plan_seconds{quantile="0.95"} 0.25
flowlens_query_plan_seconds{quantile="0.99"} 0.25
flowlens_query_plan_seconds{quantile="0.999"} 0.25
flowlens_query_plan_seconds_sum 0.25
flowlens_query_plan_seconds_count 1
# HELP flowlens_query_plan_seconds_m1_rate 1-minute EWMA rate, per second
# TYPE flowlens_query_plan_seconds_m1_rate gauge
flowlens_query_plan_seconds_m1_rate 0.2
# HELP flowlens_query_plan_seconds_m5_rate 5-minute EWMA rate, per second
# TYPE flowlens_query_plan_seconds_m5_rate gauge
flowlens_query_plan_seconds_m5_rate 0.2
# HELP flowlens_query_plan_seconds_m15_rate 15-minute EWMA rate, per second
# TYPE flowlens_query_plan_seconds_m15_rate gauge
flowlens_query_plan_seconds_m15_rate 0.2
# HELP flowlens_query_plan_seconds_mean_rate mean rate since start, per second
# TYPE flowlens_query_plan_seconds_mean_rate gauge
flowlens_query_plan_seconds_mean_rate 0.125
# TYPE flowlens_query_queued_jobs_total counter
flowlens_query_queued_jobs_total 3
# TYPE flowlens_store_broken_rows gauge
flowlens_store_broken_rows NaN
# TYPE flowlens_store_infinite_rows gauge
flowlens_store_infinite_rows -Inf
# HELP flowlens_store_open_rows Rows in C:\\\\data\\nopen minutes
# TYPE flowlens_store_open_rows gauge
flowlens_store_open_rows 1.5
`;
  assert.equal(prometheusText(registry), expected);
});

test('escaping: label values escape \\, " and line feed; HELP escapes \\ and line feed only', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeHelp('a\\b"c\nd'), 'a\\\\b"c\\nd');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(formatValue(-0.000001), '-0.000001');
});

test('a family whose every series was removed is left out', () => {
  const registry = new Registry();
  registry.gauge('flowlens_test_depth_items', { q: 'a' }).set(1);
  assert.equal(registry.remove('flowlens_test_depth_items', { q: 'a' }), true);
  assert.equal(prometheusText(registry), '');
});
