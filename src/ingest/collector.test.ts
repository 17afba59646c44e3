import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import type { FlowBatch } from '../flow/batch.js';
import { type CollectorConfig, createCollector } from './collector.js';
import { CountingSink, type FlowSink } from './sink.js';

/** A NetFlow v5 packet with `count` records; record i has i+1 packets and 100*(i+1) bytes. */
function netflow5(count: number, sequence = 0): Buffer {
  const buf = Buffer.alloc(24 + 48 * count);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(count, 2);
  buf.writeUInt32BE(1_000_000, 4);
  buf.writeUInt32BE(1_700_000_000, 8);
  buf.writeUInt32BE(sequence, 16);
  for (let i = 0; i < count; i++) {
    const o = 24 + 48 * i;
    buf.writeUInt32BE(0x0a000001 + i, o);
    buf.writeUInt32BE(0x0a000101, o + 4);
    buf.writeUInt32BE(i + 1, o + 16);
    buf.writeUInt32BE(100 * (i + 1), o + 20);
    buf[o + 38] = 6;
  }
  return buf;
}

/** A sink that records what it is given and can be awaited. */
class RecordingSink implements FlowSink {
  readonly rows: Record<string, string | number>[] = [];
  batches = 0;
  private waiters: (() => void)[] = [];

  write(flows: FlowBatch): void {
    this.batches++;
    for (let row = 0; row < flows.length; row++) this.rows.push(flows.rowObject(row));
    for (const w of this.waiters.splice(0)) w();
  }

  nextWrite(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const offline: Partial<CollectorConfig> = { netflowPort: 0, sflowPort: 0, ipfixTcpPort: 0 };

test('flows carry the receive minute, the device and its sampling override', async () => {
  const sink = new RecordingSink();
  const collector = createCollector(
    { sink, log: () => {} },
    {
      ...offline,
      devices: {
        autoRegister: true,
        devices: [{ address: '192.0.2.1', id: 42, name: 'edge1', sampleRate: 100 }],
      },
    },
  );
  const receivedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  assert.equal(collector.handlePacket(netflow5(2), '192.0.2.1', receivedAt), true);
  await collector.flush();
  assert.equal(sink.rows.length, 2);
  assert.equal(sink.rows[0]!.i_start_time, '2026-01-02T03:04:00.000Z');
  assert.equal(sink.rows[0]!.i_device_id, 42);
  assert.equal(sink.rows[0]!.i_device_name, 'edge1');
  assert.equal(sink.rows[1]!.sample_rate, 100);
  assert.equal(sink.rows[1]!.in_pkts, 200);
  assert.equal(sink.rows[1]!.in_bytes, 20_000);
  const device = collector.stats().devices[0]!;
  assert.equal(device.flows, 2);
  assert.equal(device.packets, 1);
});

test('a batch goes to the sink once it reaches flushRows, the rest on the timer', async (t) => {
  const sink = new RecordingSink();
  const collector = createCollector(
    { sink, log: () => {} },
    {
      ...offline,
      flushIntervalMs: 20,
      pipeline: { flushRows: 50, maxPendingWrites: 4, maxBufferedRows: 1000 },
    },
  );
  await collector.start();
  t.after(() => collector.stop());
  collector.handlePacket(netflow5(30), '192.0.2.1', Date.now());
  assert.equal(sink.batches, 0);
  collector.handlePacket(netflow5(30, 30), '192.0.2.1', Date.now());
  assert.equal(sink.batches, 1, 'flushed at 60 >= 50 rows without waiting');
  assert.equal(sink.rows.length, 60);
  const written = sink.nextWrite();
  collector.handlePacket(netflow5(5, 60), '192.0.2.1', Date.now());
  await written;
  assert.equal(sink.rows.length, 65);
});

test('refused exporters are counted and logged at a limited rate; decode errors too', () => {
  const lines: string[] = [];
  const sink = new CountingSink();
  const collector = createCollector(
    { sink, log: (line) => lines.push(line) },
    { ...offline, devices: { autoRegister: false, devices: [{ address: '192.0.2.1' }] } },
  );
  for (let i = 0; i < 5; i++) assert.equal(collector.handlePacket(netflow5(1), '203.0.113.5', 0), false);
  collector.handlePacket(netflow5(3).subarray(0, 30), '192.0.2.1', 0);
  collector.handlePacket(netflow5(3).subarray(0, 30), '192.0.2.1', 0);
  const stats = collector.stats();
  assert.equal(stats.decode.error_unknown_exporter, 5);
  assert.equal(stats.decode.error_truncated, 2);
  assert.deepEqual(stats.refusedExporters, { '203.0.113.5': 5 });
  assert.equal(stats.devices[0]!.decodeErrors, 2);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /^error .* reason=unknown_exporter exporter=203\.0\.113\.5$/);
  assert.match(lines[1]!, /^error .* reason=truncated exporter=192\.0\.2\.1$/);
});

test('a port of 0 disables that listener', () => {
  const none = createCollector({ sink: new CountingSink(), log: () => {} }, offline);
  assert.equal(none.udp.length + none.tcp.length, 0);
  const all = createCollector({ sink: new CountingSink(), log: () => {} }, {});
  assert.deepEqual(
    all.describeListeners().length,
    3,
    'netflow and sflow over UDP, IPFIX over TCP by default',
  );
});

test('over UDP: datagrams are decoded, and stop() delivers what is still buffered', async (t) => {
  const sink = new CountingSink();
  const collector = createCollector(
    { sink, log: () => {} },
    {
      listen: '127.0.0.1',
      netflowPort: await freePort(),
      sflowPort: 0,
      ipfixTcpPort: 0,
      flushIntervalMs: 1e9,
    },
  );
  await collector.start();
  t.after(() => collector.stop());
  const sender = dgram.createSocket('udp4');
  t.after(() => sender.close());
  for (let i = 0; i < 10; i++) sender.send(netflow5(30, i * 30), collector.udp[0]!.port(), '127.0.0.1');
  while (collector.stats().decode.packets! < 10) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sink.total.flows, 0, 'still buffered');
  await collector.stop();
  assert.equal(sink.total.flows, 300);
  assert.equal(sink.total.packets, 10 * ((30 * 31) / 2));
  const stats = collector.stats();
  assert.equal(stats.udp[0]!.datagrams, 10);
  assert.equal(stats.devices[0]!.lostFlows, 0);
});

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('random and mutated datagrams never stop the collector; good packets around them still decode', async () => {
  const sink = new CountingSink();
  const collector = createCollector({ sink, log: () => {} }, offline);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 16;
  };
  const good = netflow5(10);
  for (let i = 0; i < 20_000; i++) {
    const buf = i % 2 === 0 ? Buffer.alloc(random() % 1500) : Buffer.from(good);
    for (let j = 0; j < buf.length; j += 1 + (random() % 40)) buf[j] = random() & 0xff;
    // Headers of each protocol, so the mutations reach the decoders' bodies.
    if (i % 4 === 1) buf.writeUInt16BE([5, 9, 10, 0][random() % 4]!, 0);
    collector.handlePacket(buf, '192.0.2.1', 0);
  }
  await collector.flush();
  const before = sink.total.flows;
  collector.handlePacket(good, '192.0.2.7', 0);
  await collector.flush();
  assert.equal(sink.total.flows - before, 10);
  assert.equal(collector.stats().decoderExceptions, 0);
  assert.ok(collector.stats().decode.packets! > 20_000);
});
