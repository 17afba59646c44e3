import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemTimerClock, type TimerClock } from '../src/metrics/clock.js';
import { createOpenTsdbExporter } from '../src/metrics/opentsdb-exporter.js';
import { Registry } from '../src/metrics/registry.js';
import { ManualClock } from './helpers/manual-clock.js';
import { startVictoriaMetrics, until, victoriaPorts } from './helpers/metrics-peers.js';
import { tempDir } from './helpers/peers.js';
import { logMessages } from './helpers/server-log.js';
import { startServer } from './helpers/server-process.js';

/**
 * VictoriaMetrics receives our OpenTSDB export on both its listeners: telnet `put` lines and
 * HTTP POST /api/put. The exporters start while nothing listens yet, so the first exports wait
 * in their buffers and arrive once the receiver is up (reconnect with backoff). VictoriaMetrics's
 * export API must then return the points with the values we put in.
 */
test('VictoriaMetrics receives the OpenTSDB telnet and HTTP exports and returns the points', async (t) => {
  const clock = new ManualClock();
  const registry = new Registry({ clock, random: () => 0.5 });
  registry.counter('flowlens_test_packets_total', { device: 'edge 1' }).inc(7);
  registry.gauge('flowlens_test_depth_items').set(2.5);
  registry.meter('flowlens_test_flows_total').mark(10);
  const timer = registry.timer('flowlens_test_plan_seconds', {}, { reservoir: 'uniform' });
  for (const s of [4, 1, 3, 2]) timer.update(s);
  // One 5 s tick (8 s > 5 s): 10 events / 5 s = 2/s in every average.
  clock.advance(8_000);

  const ports = await victoriaPorts();
  // Exports made before the receiver is up are stamped a minute early, so that the points that
  // waited in the buffers are told apart from the later ones in VictoriaMetrics.
  let skewMs = -60_000;
  const exportClock: TimerClock = { now: () => Date.now() + skewMs, setTimer: systemTimerClock.setTimer };
  const exporter = (sink: 'telnet' | 'http') =>
    createOpenTsdbExporter(
      { registry, log: () => {}, clock: exportClock },
      {
        telnet: sink === 'telnet' ? `127.0.0.1:${ports.telnet}` : undefined,
        url: sink === 'http' ? `http://127.0.0.1:${ports.opentsdbHttp}` : undefined,
        intervalMs: 500,
        tags: { host: 'flowlens-test', sink },
        minBackoffMs: 50,
        maxBackoffMs: 400,
      },
    );
  const telnet = exporter('telnet');
  const http = exporter('http');
  telnet.start();
  http.start();
  t.after(() => Promise.all([telnet.stop(), http.stop()]));
  // Nothing listens yet: the first exports are buffered while the senders back off.
  await until(async () => {
    const a = telnet.stats().telnet!;
    const b = http.stats().http!;
    return (a.failures > 0 && b.failures > 0 && a.buffered >= 22 && b.buffered >= 22) || undefined;
  }, 'both senders to meet a refused connection with an export (22 points) buffered');
  skewMs = 0;
  const vmStartedAt = Date.now();
  const vm = startVictoriaMetrics(t, ports);

  for (const sink of ['telnet', 'http']) {
    const series = await until(async () => {
      const all = await vm.export(`{__name__=~"flowlens_test.*", sink="${sink}"}`);
      // Every point of one export: 1 counter + 1 gauge + 5 meter + 15 timer points.
      return all.length >= 22 ? all : undefined;
    }, `the ${sink} points in VictoriaMetrics`);
    const last = (name: string) => {
      const s = series.find((x) => x.metric.__name__ === name);
      assert.ok(s, `${sink}: ${name} exported`);
      return { tags: s.metric, value: s.values.at(-1) };
    };
    const packets = last('flowlens_test_packets_total');
    assert.equal(packets.value, 7);
    assert.equal(packets.tags.device, 'edge_1', 'the space is not allowed in OpenTSDB tag values');
    assert.equal(packets.tags.host, 'flowlens-test');
    assert.equal(last('flowlens_test_depth_items').value, 2.5);
    assert.equal(last('flowlens_test_flows_total.count').value, 10);
    assert.equal(last('flowlens_test_flows_total.m1_rate').value, 2);
    assert.equal(last('flowlens_test_flows_total.mean_rate').value, 1.25); // 10 / 8 s
    // Uniform 1..4 s: p50 at position 2.5 → 2.5; p99 at 4.95 → past the end → 4.
    assert.equal(last('flowlens_test_plan_seconds.p50').value, 2.5);
    assert.equal(last('flowlens_test_plan_seconds.p99').value, 4);
    assert.equal(last('flowlens_test_plan_seconds.count').value, 4);
    assert.equal(last('flowlens_test_plan_seconds.sum').value, 10);
    // Seconds-resolution timestamps; the earliest from the buffered export, a minute early.
    const stamps = series.flatMap((x) => x.timestamps);
    assert.ok(
      stamps.some((ts) => ts <= vmStartedAt - 59_000 && ts > vmStartedAt - 75_000),
      `${sink}: a point from the buffered export arrived`,
    );
  }
  assert.ok((telnet.stats().telnet?.sent ?? 0) > 0);
  assert.equal(telnet.stats().telnet?.dropped, 0);
  assert.ok((http.stats().http?.sent ?? 0) > 0);
  await Promise.all([telnet.stop(), http.stop()]);
  await vm.peer.stop();
});

test('flowlens server pushes its metrics to the OpenTSDB receivers of its config', async (t) => {
  const ports = await victoriaPorts();
  const vm = startVictoriaMetrics(t, ports);
  const server = await startServer(tempDir(t), {
    args: [
      '--opentsdb-telnet',
      `127.0.0.1:${ports.telnet}`,
      '--opentsdb-url',
      `http://127.0.0.1:${ports.opentsdbHttp}`,
      '--metrics-interval-ms',
      '200',
    ],
  });
  t.after(() => server.stop());
  await server.ready();
  // Both receivers feed the same series: VictoriaMetrics keeps each point (seconds) once or twice.
  const build = await until(async () => {
    const series = await vm.export('{__name__="flowlens_server_build_info"}');
    return series.length > 0 ? series : undefined;
  }, 'flowlens_server_build_info in VictoriaMetrics');
  assert.equal(build[0]!.values.at(-1), 1);
  assert.ok(build[0]!.metric.host, 'the host tag of every point');
  assert.equal(build[0]!.metric.node, process.version);
  for (const sink of ['telnet', 'http']) {
    const sent = await until(async () => {
      const series = await vm.export(`{__name__="flowlens_metrics_opentsdb_sent_points", sink="${sink}"}`);
      // Its count of sent points, exported with the next export after the first one went out.
      return series.some((x) => x.values.some((v) => v > 0)) ? series : undefined;
    }, `the ${sink} sender's own count of sent points`);
    assert.equal(sent.length, 1);
  }
  assert.equal(await server.stop(), 0);
  assert.match(
    logMessages(server.stderr()),
    /OpenTSDB push telnet 127\.0\.0\.1:\d+ and http http:\/\/127\.0\.0\.1:\d+\/api\/put every 200 ms/,
  );
});
