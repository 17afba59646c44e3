import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDemoExporter } from '../src/ingest/demo/exporter.js';
import { LoopbackCapture } from './helpers/exporters-capture.js';
import { startTestCollector } from './helpers/exporters-collector.js';
import { freeUdpPort, runPeer, waitFor, waitForUdpQueueEmpty } from './helpers/peers.js';

/**
 * The demo exporter against the real collector over loopback, with tcpdump capturing the same
 * datagrams for tshark: tshark's decode is the oracle for "valid NetFlow v9 with the right
 * sequence numbers, record counts and sampling rates", and the collector must see every flow.
 */

interface TsharkDatagram {
  src: string;
  version: number;
  sequence: number;
  count: number;
  sourceId: number;
  dataRecords: number;
  samplingIntervals: number[];
  malformed: boolean;
}

async function tsharkDatagrams(t: Parameters<typeof runPeer>[0], file: string, port: number) {
  const fields = [
    'ip.src',
    'cflow.version',
    'cflow.sequence',
    'cflow.count',
    'cflow.source_id',
    'cflow.octets',
    'cflow.sampling_interval',
    '_ws.malformed',
    '_ws.expert.severity',
  ];
  const out = await runPeer(
    t,
    'tshark',
    [
      '-r',
      file,
      '-d',
      `udp.port==${port},cflow`,
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=;',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    60_000,
    'stdout',
  );
  const list = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(';'));
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line): TsharkDatagram => {
      const [src, version, sequence, count, sourceId, octets, sampling, malformed, expert] = line.split('\t');
      return {
        src: src!,
        version: Number(version),
        sequence: Number(sequence),
        count: Number(count),
        sourceId: Number(sourceId),
        dataRecords: list(octets).length,
        samplingIntervals: list(sampling).map(Number),
        // Expert info of severity error (or a malformed marker) means tshark could not parse it.
        malformed: malformed !== '' || list(expert).some((s) => Number(s) >= 0x00800000),
      };
    });
}

test('demo routers: every datagram is valid NetFlow v9 to tshark, and the collector gets every flow', async (t) => {
  const port = await freeUdpPort();
  const ours = await startTestCollector(t, { netflowPort: port });
  const capture = await LoopbackCapture.start(t, port);
  const demo = createDemoExporter({ targetPort: port, flowsPerSecond: 400, tickMs: 50 });
  await demo.start();
  t.after(() => demo.stop());
  await waitFor(() => demo.stats().every((r) => r.datagrams >= 15), 'each router to send 15 datagrams');
  await demo.stop();
  const sent = demo.stats();
  const datagrams = sent.reduce((n, r) => n + r.datagrams, 0);
  await waitForUdpQueueEmpty(port);
  await capture.stop(datagrams);
  await ours.collector.flush();

  const decoded = await tsharkDatagrams(t, capture.file, port);
  assert.equal(decoded.length, datagrams, 'tshark sees every datagram sent');
  for (const router of sent) {
    const own = decoded.filter((d) => d.src === router.address);
    const profile = demo.profiles.find((p) => p.address === router.address)!;
    assert.equal(own.length, router.datagrams, `${router.address}: datagrams`);
    assert.deepEqual(
      own.map((d) => d.sequence),
      own.map((_, i) => i),
      `${router.address}: sequence numbers 0, 1, 2, … in order`,
    );
    for (const d of own) {
      assert.equal(d.version, 9);
      assert.equal(d.sourceId, profile.sourceId);
      assert.equal(d.malformed, false, `${router.address} #${d.sequence} decodes cleanly`);
    }
    assert.ok(
      own[0]!.samplingIntervals.includes(profile.sampleRate),
      'sampling options in the first datagram',
    );
    const records = own.reduce((n, d) => n + d.dataRecords, 0);
    assert.equal(records, router.flows, `${router.address}: data records tshark decoded`);
    // The header count is templates + options + data records; tshark's own count of data records
    // is independent of it, and every datagram after the first carries only data.
    assert.equal(
      own.slice(1).reduce((n, d) => n + d.count, 0),
      records,
    );
  }

  const stats = ours.collector.stats();
  const errors = Object.entries(stats.decode).filter(([k, v]) => k.startsWith('error_') && v > 0);
  assert.deepEqual(errors, [], 'the collector counted no decode errors');
  assert.deepEqual(
    stats.devices.map((d) => d.address).sort(),
    sent.map((r) => r.address).sort(),
    'one device per simulated router',
  );
  for (const device of stats.devices) {
    const router = sent.find((r) => r.address === device.address)!;
    assert.equal(device.flows, router.flows, `${device.address}: flows at the collector`);
    assert.equal(device.lostPackets, 0);
    assert.equal(device.templateMisses, 0);
    assert.equal(device.sampleRate, router.sampleRate);
  }
  assert.equal(
    ours.sink.total.flows,
    sent.reduce((n, r) => n + r.flows, 0),
  );
});
