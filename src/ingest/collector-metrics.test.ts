import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrometheusSamples } from '../../test/helpers/prometheus-samples.js';
import { prometheusText } from '../metrics/prometheus.js';
import { Registry } from '../metrics/registry.js';
import { type CollectorConfig, createCollector } from './collector.js';
import { instrumentCollector } from './collector-metrics.js';
import { CountingSink, type FlowSink } from './sink.js';

/** A NetFlow v5 packet of `count` records (addresses and counters do not matter here). */
function netflow5(count: number, sequence = 0): Buffer {
  const buf = Buffer.alloc(24 + 48 * count);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(count, 2);
  buf.writeUInt32BE(sequence, 16);
  for (let i = 0; i < count; i++) buf[24 + 48 * i + 38] = 6;
  return buf;
}

const offline: Partial<CollectorConfig> = { netflowPort: 0, sflowPort: 0, ipfixTcpPort: 0 };
const scrape = (registry: Registry) => new PrometheusSamples(prometheusText(registry));

/** A sink whose writes stay pending until the test settles them. */
class HeldSink implements FlowSink {
  readonly writes: { resolve: () => void; reject: (err: Error) => void }[] = [];

  write(): Promise<void> {
    return new Promise((resolve, reject) => this.writes.push({ resolve, reject }));
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

test('refused exporters: counted in total, by reason and by distinct address', () => {
  const registry = new Registry();
  const collector = createCollector(
    { sink: new CountingSink(), log: () => {} },
    { ...offline, devices: { autoRegister: false, devices: [{ address: '192.0.2.1', name: 'edge1' }] } },
  );
  instrumentCollector(registry, collector);
  for (let i = 0; i < 5; i++) collector.handlePacket(netflow5(1), '203.0.113.5', 0);
  for (let i = 0; i < 2; i++) collector.handlePacket(netflow5(1), '203.0.113.6', 0);
  const m = scrape(registry);
  assert.equal(m.get('flowlens_collector_refused_packets_total'), 7);
  assert.equal(m.get('flowlens_collector_decode_errors_total', { reason: 'unknown_exporter' }), 7);
  assert.equal(m.get('flowlens_collector_refused_exporters'), 2);
  assert.equal(m.get('flowlens_collector_known_devices'), 1);
  assert.equal(m.get('flowlens_collector_device_packets_total', { device: 'edge1', tenant: 'default' }), 0);
  assert.equal(m.get('flowlens_collector_flows_total'), 0);
});

test('queue, backpressure and sink errors with a sink that falls behind', async () => {
  const registry = new Registry();
  const sink = new HeldSink();
  const collector = createCollector(
    { sink, log: () => {} },
    { ...offline, pipeline: { flushRows: 10, maxPendingWrites: 1, maxBufferedRows: 20 } },
  );
  instrumentCollector(registry, collector);
  // Packet 1 fills a batch (10 >= flushRows): handed to the sink, its write pending. Packets 2
  // and 3 buffer (20, not over maxBufferedRows); packets 4 and 5 would pass 20: their rows drop.
  for (let i = 0; i < 5; i++) collector.handlePacket(netflow5(10, i * 10), '192.0.2.1', 0);
  let m = scrape(registry);
  assert.equal(m.get('flowlens_collector_queue_batches'), 1);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'writing' }), 10);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'buffered' }), 20);
  assert.equal(m.get('flowlens_collector_sink_dropped_flows_total'), 20);
  assert.equal(m.get('flowlens_collector_sink_flows_total'), 10);
  assert.equal(m.get('flowlens_collector_sink_batches_total'), 1);
  assert.equal(m.get('flowlens_collector_flows_total'), 50, 'decoded, dropped ones included');
  assert.equal(
    m.get('flowlens_collector_device_flows_total', { device: '192.0.2.1', tenant: 'default' }),
    50,
  );

  sink.writes[0]!.reject(new Error('disk on fire'));
  await settled();
  m = scrape(registry);
  assert.equal(m.get('flowlens_collector_sink_errors_total'), 1);
  assert.equal(m.get('flowlens_collector_sink_lost_flows_total'), 10);
  assert.equal(m.get('flowlens_collector_queue_batches'), 0);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'writing' }), 0);

  const drained = collector.flush();
  m = scrape(registry);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'writing' }), 20);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'buffered' }), 0);
  sink.writes[1]!.resolve();
  await drained;
  m = scrape(registry);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'writing' }), 0);
  assert.equal(m.get('flowlens_collector_sink_flows_total'), 30);
  assert.equal(m.get('flowlens_collector_sink_errors_total'), 1);
});

test('devices that share a series are summed: the same name, or past the tag-value limit', () => {
  const registry = new Registry({ maxTagValues: 2 });
  const collector = createCollector(
    { sink: new CountingSink(), log: () => {} },
    {
      ...offline,
      devices: {
        autoRegister: true,
        devices: [
          { address: '198.51.100.1', name: 'pair', tenant: 't' },
          { address: '198.51.100.2', name: 'pair', tenant: 't' },
        ],
      },
    },
  );
  instrumentCollector(registry, collector);
  // Device names so far: 'pair'. Auto-registered devices arrive in the order sent: 192.0.2.1
  // takes the second name; 192.0.2.2 and 192.0.2.3 are past the limit of 2 and become 'other'.
  const sent: [string, number][] = [
    ['198.51.100.1', 1],
    ['198.51.100.2', 2],
    ['192.0.2.1', 3],
    ['192.0.2.2', 4],
    ['192.0.2.3', 5],
  ];
  for (const [address, packets] of sent)
    for (let i = 0; i < packets; i++) collector.handlePacket(netflow5(1, i), address, 1_000_000);
  const m = scrape(registry);
  const packets = (device: string, tenant: string) =>
    m.get('flowlens_collector_device_packets_total', { device, tenant });
  assert.equal(packets('pair', 't'), 1 + 2);
  assert.equal(packets('192.0.2.1', 'default'), 3);
  assert.equal(packets('other', 'default'), 4 + 5);
  assert.equal(
    m.has('flowlens_collector_device_packets_total', { device: '192.0.2.2', tenant: 'default' }),
    false,
  );
  assert.equal(
    m.get('flowlens_collector_device_last_packet_timestamp_seconds', { device: 'other', tenant: 'default' }),
    1000,
  );
  assert.equal(m.get('flowlens_collector_known_devices'), 5);
  assert.equal(
    m.get('flowlens_metrics_refused_tag_values_total', {
      metric: 'flowlens_collector_device_packets_total',
      tag: 'device',
    }),
    2,
    '192.0.2.2 and 192.0.2.3',
  );
});

test('a decoder that throws is counted, and its packet adds no flows', () => {
  const registry = new Registry();
  const collector = createCollector({ sink: new CountingSink(), log: () => {} }, offline);
  instrumentCollector(registry, collector);
  // A NetFlow v9 header whose first flowset byte cannot be read: no decoder throws on real bytes.
  const v9 = Buffer.alloc(24);
  v9.writeUInt16BE(9, 0);
  const exploding = new Proxy(v9, {
    get(target, p) {
      if (p === '20') throw new Error('unreadable byte');
      return Reflect.get(target, p, target);
    },
  });
  collector.handlePacket(netflow5(4), '192.0.2.1', 0);
  collector.handlePacket(exploding, '192.0.2.1', 0);
  const m = scrape(registry);
  assert.equal(m.get('flowlens_collector_decoder_exceptions_total'), 1);
  assert.equal(m.get('flowlens_collector_flows_total'), 4, 'only the good packet');
  assert.equal(
    m.get('flowlens_collector_device_packets_total', { device: '192.0.2.1', tenant: 'default' }),
    2,
  );
});
