import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { prometheusContentType, prometheusText } from '../src/metrics/prometheus.js';
import { Registry } from '../src/metrics/registry.js';
import { ManualClock } from './helpers/manual-clock.js';
import { startPrometheus, until } from './helpers/metrics-peers.js';
import { tempDir } from './helpers/peers.js';
import { startServer } from './helpers/server-process.js';

/**
 * A real Prometheus scrapes two targets every second: a registry with known values served by a
 * small HTTP server in this test (job lib), and a real `flowlens server` (job server). Its query
 * API must then return our series with the values we put in: that is Prometheus's own parser
 * agreeing with our exposition, escaping and all.
 */
test('Prometheus scrapes /metrics and its API returns our series and values', async (t) => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  const device = 'edge "1"\\\nb';
  registry.counter('flowlens_test_packets_total', { device }, { help: 'Packets "received"\\ \n' }).inc(42);
  registry.gauge('flowlens_test_depth_items').set(3.5);
  registry.gaugeFn('flowlens_test_broken_items', () => Number.NaN);
  registry.meter('flowlens_test_flows_total').mark(10);
  const batch = registry.histogram('flowlens_test_batch_rows', {}, { reservoir: 'uniform' });
  for (let v = 100; v >= 1; v--) batch.update(v);
  registry.timer('flowlens_test_plan_seconds').update(0.25);
  // One 5 s tick has passed (8 s > 5 s): the meter's averages are 10 events / 5 s = 2/s.
  clock.advance(8_000);

  const lib = createServer((_req, res) => {
    const text = prometheusText(registry);
    res.writeHead(200, { 'content-type': prometheusContentType }).end(text);
  });
  await new Promise<void>((resolve) => lib.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => lib.close(resolve)));
  const libPort = (lib.address() as AddressInfo).port;

  const server = await startServer(tempDir(t));
  t.after(() => server.stop());
  await server.ready();

  const prometheus = await startPrometheus(t, {
    lib: [`127.0.0.1:${libPort}`],
    server: [`127.0.0.1:${server.port}`],
  });
  const one = async (expr: string) => {
    const result = await until(async () => {
      const r = await prometheus.query(expr);
      return r.length > 0 ? r : undefined;
    }, `prometheus to have ${expr}`);
    assert.equal(result.length, 1, `${expr}: one series`);
    return { labels: result[0]!.metric, value: result[0]!.value[1] };
  };

  // Both scrapes succeeded, and Prometheus took every sample we exposed.
  assert.equal((await one('up{job="lib"}')).value, '1');
  assert.equal((await one('up{job="server"}')).value, '1');
  const exposed = prometheusText(registry)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#')).length;
  assert.equal((await one('scrape_samples_scraped{job="lib"}')).value, String(exposed));

  const packets = await one('flowlens_test_packets_total{job="lib"}');
  assert.equal(packets.value, '42');
  assert.equal(packets.labels.device, device, 'quote, backslash and line feed survive the escaping');
  assert.equal((await one('flowlens_test_depth_items')).value, '3.5');
  assert.equal((await one('flowlens_test_broken_items')).value, 'NaN');
  assert.equal((await one('flowlens_test_flows_total')).value, '10');
  assert.equal((await one('flowlens_test_flows_m1_rate')).value, '2');
  assert.equal((await one('flowlens_test_flows_m15_rate')).value, '2');
  assert.equal((await one('flowlens_test_flows_mean_rate')).value, '1.25'); // 10 events / 8 s
  // Uniform reservoir of 1..100: quantile q interpolates at q·101: 0.5 → 50.5, 0.99 → 99.99.
  assert.equal((await one('flowlens_test_batch_rows{quantile="0.5"}')).value, '50.5');
  assert.equal((await one('flowlens_test_batch_rows{quantile="0.99"}')).value, '99.99');
  assert.equal((await one('flowlens_test_batch_rows_sum')).value, '5050');
  assert.equal((await one('flowlens_test_batch_rows_count')).value, '100');
  assert.equal((await one('flowlens_test_plan_seconds{quantile="0.999"}')).value, '0.25');
  assert.equal((await one('flowlens_test_plan_seconds_count')).value, '1');
  assert.equal((await one('flowlens_test_plan_seconds_m1_rate')).value, '0.2');

  // The real server: its build and uptime, labelled with the job Prometheus gave it.
  const build = await one('flowlens_server_build_info');
  assert.equal(build.value, '1');
  assert.equal(build.labels.job, 'server');
  assert.equal(build.labels.node, process.version);
  assert.match(build.labels.version!, /^\d+\.\d+\.\d+/);
  assert.ok(Number((await one('flowlens_server_uptime_seconds')).value) > 0);
  await prometheus.peer.stop();
});
