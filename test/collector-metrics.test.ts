import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import { createCollector } from '../src/ingest/collector.js';
import { instrumentCollector } from '../src/ingest/collector-metrics.js';
import {
  createExportFlow,
  createFlows,
  FlowGenerator,
  IpfixEncoder,
  Netflow5Encoder,
  Netflow9Encoder,
  SflowEncoder,
} from '../src/ingest/export/index.js';
import { CountingSink } from '../src/ingest/sink.js';
import { decodeErrorReasons } from '../src/ingest/stats.js';
import { prometheusText } from '../src/metrics/prometheus.js';
import { Registry } from '../src/metrics/registry.js';
import { ManualClock } from './helpers/manual-clock.js';
import { freeTcpPort, freeUdpPort, waitFor } from './helpers/peers.js';
import { PrometheusSamples } from './helpers/prometheus-samples.js';

/**
 * A collector on real sockets, instrumented into a registry, fed NetFlow v5, v9 (one data set
 * before its template, one sequence gap), IPFIX over TCP, sFlow from a second address that
 * registers itself, and malformed datagrams; every exported value is checked against what the
 * test sent, counted as it sent it.
 */

interface Sent {
  packets: number;
  bytes: number;
  flows: number;
}

const scrape = (registry: Registry) => new PrometheusSamples(prometheusText(registry));

test('collector metrics equal what was sent: per device, per reason, per listener, queue and sink', async (t) => {
  const clock = new ManualClock();
  const registry = new Registry({ clock });
  const sink = new CountingSink();
  const collector = createCollector(
    { sink, log: () => {} },
    {
      listen: '127.0.0.1',
      netflowPort: await freeUdpPort(),
      sflowPort: await freeUdpPort(),
      ipfixTcpPort: await freeTcpPort(),
      // Nothing reaches the sink until the test flushes, so the queue gauges can be read.
      flushIntervalMs: 1e9,
      devices: { autoRegister: true, devices: [{ address: '127.0.0.1', name: 'edge1', tenant: 'acme' }] },
    },
  );
  instrumentCollector(registry, collector);
  await collector.start();
  t.after(() => collector.stop());
  const [netflowPort, sflowPort] = collector.udp.map((l) => l.port());
  const ipfixPort = collector.tcp[0]!.port();

  const edge1 = { device: 'edge1', tenant: 'acme' };
  const other = { device: '127.0.0.2', tenant: 'default' };
  let m = scrape(registry);
  assert.equal(
    m.get('flowlens_collector_device_packets_total', edge1),
    0,
    'a configured device is there from the start',
  );
  assert.equal(m.has('flowlens_collector_device_packets_total', other), false, 'not yet seen');

  const now = Date.now();
  const flows = createFlows(200, createExportFlow);
  new FlowGenerator({ seed: 11, ipv6Fraction: 0 }).fill(flows, now);
  let next = 0;
  const a: Sent = { packets: 0, bytes: 0, flows: 0 };
  const b: Sent = { packets: 0, bytes: 0, flows: 0 };
  const scratch = Buffer.alloc(65536);

  const fromA = dgram.createSocket('udp4');
  const fromB = dgram.createSocket('udp4');
  t.after(() => fromA.close());
  t.after(() => fromB.close());
  await new Promise<void>((resolve) => fromA.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => fromB.bind(0, '127.0.0.2', resolve));
  const send = (socket: dgram.Socket, port: number, length: number, flowsIn: number, to: Sent) => {
    const packet = Buffer.from(scratch.subarray(0, length));
    to.packets++;
    to.bytes += packet.length;
    to.flows += flowsIn;
    return new Promise((resolve) => socket.send(packet, port, '127.0.0.1', resolve));
  };

  // NetFlow v5: 4 packets of 10 flows; 10 flows skipped in the sequence before the last one.
  const v5 = new Netflow5Encoder({ bootMs: now - 60_000 });
  for (let i = 0; i < 4; i++) {
    if (i === 3) v5.sequence += 10;
    await send(fromA, netflowPort!, v5.encode(scratch, flows, next, 10, now), 10, a);
    next += 10;
  }
  // NetFlow v9: data before its template (a template miss: its 5 flows are not decoded), then the
  // template with 5 flows, then 2 packets skipped in the sequence, then 5 flows.
  const v9 = new Netflow9Encoder({ sourceId: 3, bootMs: now - 60_000 });
  v9.start(scratch, now);
  assert.equal(v9.addData(256, flows, next, 5), 5);
  await send(fromA, netflowPort!, v9.finish(), 0, a);
  v9.start(scratch, now);
  v9.addTemplates();
  next += v9.addData(256, flows, next, 5);
  await send(fromA, netflowPort!, v9.finish(), 5, a);
  v9.sequence += 2;
  v9.start(scratch, now);
  next += v9.addData(256, flows, next, 5);
  await send(fromA, netflowPort!, v9.finish(), 5, a);
  // Malformed: 3 bytes (truncated), and version 99 (bad_version).
  scratch.fill(0, 0, 4);
  await send(fromA, netflowPort!, 3, 0, a);
  scratch[1] = 99;
  await send(fromA, netflowPort!, 4, 0, a);

  // sFlow from 127.0.0.2, a device that registers itself: 3 datagrams of flow samples, then one
  // with a counter sample.
  const sflow = new SflowEncoder({ bootMs: now - 60_000 });
  for (let d = 0; d < 3; d++) {
    sflow.start(scratch, now);
    let samples = 0;
    for (let i = 0; i < 2 + d; i++) if (sflow.addFlowSample(flows[next + i]!)) samples++;
    next += samples;
    await send(fromB, sflowPort!, sflow.finish(), samples, b);
  }
  sflow.start(scratch, now);
  sflow.addCounterSample(interfaceCounters);
  await send(fromB, sflowPort!, sflow.finish(), 0, b);

  // IPFIX over TCP from 127.0.0.1 (edge1): 3 messages, the first with the templates.
  const ipfix = new IpfixEncoder({ observationDomainId: 9 });
  const messages: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    ipfix.start(scratch, now);
    if (i === 0) ipfix.addTemplates();
    const n = ipfix.addData(256, flows, next, 8);
    next += n;
    const message = Buffer.from(scratch.subarray(0, ipfix.finish()));
    messages.push(message);
    a.packets++;
    a.bytes += message.length;
    a.flows += n;
  }
  const tcp = net.connect(ipfixPort, '127.0.0.1');
  t.after(() => tcp.destroy());
  await new Promise((resolve) => tcp.once('connect', resolve));
  tcp.write(Buffer.concat(messages));
  // A second connection whose first message says version 9: a framing error, closed by the server.
  const bad = net.connect(ipfixPort, '127.0.0.1');
  bad.on('error', () => {});
  await new Promise((resolve) => bad.once('connect', resolve));
  bad.end(Buffer.from([0, 9, 0, 16, ...new Array(12).fill(0)]));

  const tcpStats = () => collector.tcp[0]!.stats();
  await waitFor(
    () => collector.decodeStats.packets === a.packets + b.packets && tcpStats().badFrames === 1,
    'every datagram and message decoded, and the bad frame seen',
  );
  await waitFor(() => tcpStats().openConnections === 1, 'the bad connection closed');
  const receivedBy = Date.now();

  m = scrape(registry);
  const device = (name: string, tags: Record<string, string>) =>
    m.get(`flowlens_collector_device_${name}`, tags);
  assert.equal(device('packets_total', edge1), a.packets, '4 v5 + 3 v9 + 2 malformed + 3 IPFIX');
  assert.equal(device('bytes_total', edge1), a.bytes);
  assert.equal(device('flows_total', edge1), a.flows, '40 v5 + 10 v9 + the IPFIX records');
  assert.equal(device('decode_errors_total', edge1), 3, 'truncated, bad version, template missing');
  assert.equal(device('template_misses_total', edge1), 1);
  assert.equal(device('lost_flows_total', edge1), 10, 'the v5 gap (IPFIX sequences are exact)');
  assert.equal(device('lost_packets_total', edge1), 2, 'the v9 gap');
  assert.equal(device('packets_total', other), b.packets);
  assert.equal(device('bytes_total', other), b.bytes);
  assert.equal(device('flows_total', other), b.flows);
  assert.equal(device('decode_errors_total', other) + device('lost_flows_total', other), 0);
  for (const tags of [edge1, other]) {
    const seen = device('last_packet_timestamp_seconds', tags);
    assert.ok(seen >= Math.floor(now / 1000) && seen <= receivedBy / 1000, `last seen ${seen}`);
  }

  // The TCP framing error has no device (the connection is closed before any message), so
  // bad_version is 2 globally but 1 for edge1.
  const reasons: Record<string, number> = { truncated: 1, bad_version: 2, template_missing: 1 };
  for (const reason of decodeErrorReasons)
    assert.equal(m.get('flowlens_collector_decode_errors_total', { reason }), reasons[reason] ?? 0, reason);
  assert.equal(m.get('flowlens_collector_refused_packets_total'), 0);
  assert.equal(m.get('flowlens_collector_decoder_exceptions_total'), 0);
  assert.equal(m.get('flowlens_collector_known_devices'), 2);
  assert.equal(m.get('flowlens_collector_counter_records_total'), 1);

  assert.equal(m.get('flowlens_collector_listener_messages_total', { listener: 'netflow' }), 9);
  assert.equal(m.get('flowlens_collector_listener_messages_total', { listener: 'sflow' }), 4);
  assert.equal(m.get('flowlens_collector_listener_messages_total', { listener: 'ipfix' }), 3);
  // /proc/net/udp is read (a number, not NaN), and a dozen datagrams overflow no buffer.
  assert.equal(m.get('flowlens_collector_socket_dropped_datagrams_total', { listener: 'netflow' }), 0);
  assert.equal(m.get('flowlens_collector_socket_dropped_datagrams_total', { listener: 'sflow' }), 0);
  assert.equal(
    m.get('flowlens_collector_receive_buffer_bytes', { listener: 'netflow' }),
    collector.udp[0]!.stats().recvBufferSize,
  );
  assert.equal(m.get('flowlens_collector_tcp_open_connections', { listener: 'ipfix' }), 1);
  assert.equal(m.get('flowlens_collector_tcp_connections_total', { listener: 'ipfix' }), 2);
  assert.equal(m.get('flowlens_collector_tcp_bad_frames_total', { listener: 'ipfix' }), 1);
  assert.equal(m.get('flowlens_collector_tcp_refused_connections_total', { listener: 'ipfix' }), 0);

  // Nothing flushed yet: every decoded row waits in the open batch.
  const decoded = a.flows + b.flows;
  assert.equal(
    m.get('flowlens_collector_queue_rows', { stage: 'buffered' }),
    decoded + 1,
    'flows + 1 counter record',
  );
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'writing' }), 0);
  assert.equal(m.get('flowlens_collector_queue_batches'), 0);
  assert.equal(m.get('flowlens_collector_sink_flows_total'), 0);

  // The flows meter: every mark happened at the manual clock's start; once more than 5 s passed,
  // one tick makes the 1-minute rate the instant rate, decoded / 5 s (Dropwizard's first tick
  // sets it outright).
  assert.equal(m.get('flowlens_collector_flows_total'), decoded);
  clock.advance(5_001);
  m = scrape(registry);
  assert.equal(m.get('flowlens_collector_flows_m1_rate'), decoded / 5);

  await collector.flush();
  m = scrape(registry);
  assert.equal(m.get('flowlens_collector_sink_flows_total'), decoded);
  assert.equal(sink.total.flows, decoded);
  assert.equal(m.get('flowlens_collector_sink_counter_records_total'), 1);
  assert.equal(m.get('flowlens_collector_sink_batches_total'), 1);
  assert.equal(m.get('flowlens_collector_queue_rows', { stage: 'buffered' }), 0);
  for (const name of ['sink_errors_total', 'sink_lost_flows_total', 'sink_dropped_flows_total'])
    assert.equal(m.get(`flowlens_collector_${name}`), 0, name);

  // Every family has help text.
  const families = registry.families().filter((f) => f.name.startsWith('flowlens_collector_'));
  assert.ok(families.length >= 25, `${families.length} collector families`);
  for (const f of families) assert.notEqual(f.help, '', `${f.name} has no help`);
});

const interfaceCounters = {
  ifIndex: 7,
  ifType: 6,
  ifSpeed: 10e9,
  ifDirection: 1,
  ifStatus: 3,
  inOctets: 5000,
  inUcastPkts: 100,
  inMulticastPkts: 2,
  inBroadcastPkts: 3,
  inDiscards: 0,
  inErrors: 0,
  inUnknownProtos: 0,
  outOctets: 4000,
  outUcastPkts: 90,
  outMulticastPkts: 1,
  outBroadcastPkts: 1,
  outDiscards: 0,
  outErrors: 0,
  promiscuous: 2,
};
