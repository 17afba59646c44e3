import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import { type TestContext, test } from 'node:test';
import { freeTcpPort, waitFor } from '../../test/helpers/peers.js';
import { systemTimerClock } from './clock.js';
import { createOpenTsdbExporter } from './opentsdb-exporter.js';
import { HttpSender } from './opentsdb-http.js';
import type { TsdbPoint } from './opentsdb-points.js';
import { TelnetSender } from './opentsdb-telnet.js';
import { Registry } from './registry.js';

const fast = { maxBuffered: 5, minBackoffMs: 10, maxBackoffMs: 50 };

/** A TCP receiver on `port` that records every line; `close()` also cuts the open connections. */
async function lineReceiver(t: TestContext, port: number) {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let rest = '';
    socket.on('data', (chunk) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(() => (server.listening ? close() : undefined));
  return { lines, close };
}

test('telnet: while the receiver is down lines wait in a bounded buffer (oldest dropped, counted), then flow on reconnect', async (t) => {
  const port = await freeTcpPort();
  const log: string[] = [];
  const sender = new TelnetSender(
    '127.0.0.1',
    port,
    { clock: systemTimerClock, log: (l) => log.push(l) },
    fast,
  );
  t.after(() => sender.stop(100));
  sender.start();
  await waitFor(() => sender.stats.failures >= 1, 'the first refused connection');
  sender.send(['l1\n', 'l2\n', 'l3\n', 'l4\n', 'l5\n', 'l6\n', 'l7\n', 'l8\n']);
  assert.equal(sender.stats.dropped, 3, 'capacity 5: l1..l3 dropped');
  assert.equal(sender.buffered, 5);
  const first = await lineReceiver(t, port);
  await waitFor(() => first.lines.length === 5, 'the buffered lines at the receiver');
  assert.deepEqual(first.lines, ['l4', 'l5', 'l6', 'l7', 'l8']);
  assert.equal(sender.stats.connected, true);
  assert.equal(
    log.filter((l) => l.includes('retrying')).length,
    1,
    'one log line for the outage, not one per retry',
  );
  assert.match(log.at(-1)!, /connected again/);

  // The receiver goes away; the sender notices, buffers, and reconnects to the next one.
  await first.close();
  await waitFor(() => !sender.stats.connected, 'the sender to notice the closed connection');
  sender.send(['l9\n']);
  const second = await lineReceiver(t, port);
  await waitFor(() => second.lines.length === 1, 'the line sent during the second outage');
  assert.deepEqual(second.lines, ['l9']);
});

test('http: a 503 keeps the points and retries after a backoff; a 400 drops them as rejected', async (t) => {
  const bodies: unknown[] = [];
  const statuses = [503, 204, 400];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      assert.equal(req.url, '/api/put');
      bodies.push(JSON.parse(body));
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as net.AddressInfo;
  const sender = new HttpSender(
    `http://127.0.0.1:${port}/api/put`,
    { clock: systemTimerClock, log: () => {} },
    fast,
  );
  const point = (value: number): TsdbPoint => ({
    metric: 'flowlens_test_x_total',
    timestamp: 1,
    value,
    tags: { host: 'h' },
  });
  sender.send([point(1), point(2)]);
  await waitFor(() => sender.stats.sent === 2, 'the retried batch to be accepted');
  assert.equal(sender.stats.failures, 1);
  assert.deepEqual(
    bodies,
    [
      [point(1), point(2)],
      [point(1), point(2)],
    ],
    'the same batch, twice',
  );
  sender.send([point(3)]);
  await waitFor(() => sender.stats.rejected === 1, 'the 400');
  assert.equal(sender.buffered, 0);
  assert.equal(bodies.length, 3, 'a rejected batch is not retried');
  await sender.stop(100);
});

test('exporter: stop() pushes a last export with the final values', async (t) => {
  const port = await freeTcpPort();
  const receiver = await lineReceiver(t, port);
  const registry = new Registry();
  const counter = registry.counter('flowlens_test_events_total');
  const exporter = createOpenTsdbExporter(
    { registry, log: () => {} },
    { telnet: `127.0.0.1:${port}`, intervalMs: 3_600_000, tags: { host: 'test' } },
  );
  exporter.start();
  counter.inc(5);
  await exporter.stop();
  await waitFor(
    () => receiver.lines.some((l) => l.startsWith('put flowlens_test_events_total ')),
    'the final put',
  );
  const line = receiver.lines.find((l) => l.startsWith('put flowlens_test_events_total '))!;
  assert.match(line, /^put flowlens_test_events_total \d{10} 5 host=test$/);
  // The exporter's own counters are exported with it.
  assert.ok(receiver.lines.some((l) => l.startsWith('put flowlens_metrics_opentsdb_sent_points ')));
  assert.equal(exporter.stats().exports, 1);
});
