import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CollectorStats } from '../ingest/collector-stats.js';
import { DecodeStats } from '../ingest/stats.js';
import { collectorHealth } from './health-collector.js';

function fakeCollector() {
  const decode = new DecodeStats();
  const stats: CollectorStats = {
    uptimeMs: 0,
    decode: {},
    sink: {
      batches: 0,
      flows: 0,
      counterRecords: 0,
      pendingWrites: 0,
      droppedFlows: 0,
      droppedCounterRecords: 0,
      writeErrors: 0,
      lostFlows: 0,
    },
    decoderExceptions: 0,
    udp: [
      { name: 'netflow', address: '127.0.0.1', port: 2055, recvBufferSize: 1, datagrams: 0, socketDrops: 0 },
      {
        name: 'sflow',
        address: '127.0.0.1',
        port: 6343,
        recvBufferSize: 1,
        datagrams: 0,
        socketDrops: undefined,
      },
    ],
    tcp: [],
    devices: [],
    refusedExporters: {},
  };
  return { decode, stats, source: { stats: () => ({ ...stats, decode: decode.snapshot() }) } };
}

test('packets and flows per second over the window; GOOD while nothing is lost', () => {
  const { decode, stats, source } = fakeCollector();
  const health = collectorHealth(source);
  health.check(0);
  decode.packets = 1_000;
  decode.flows = 30_000;
  stats.sink.pendingWrites = 2;
  const c = health.check(10_000);
  assert.equal(c.status, 'GOOD');
  assert.equal(c.values.packets_per_s, 100);
  assert.equal(c.values.flows_per_s, 3_000);
  assert.equal(c.values.sink_queue, 2);
});

test('WARN: socket drops, lost and dropped flows, decoder exceptions, decode errors over 1%', () => {
  const { decode, stats, source } = fakeCollector();
  const health = collectorHealth(source);
  health.check(0);
  decode.packets = 1_000;
  // 10 errors for 1000 packets is exactly 1%: not over it.
  for (let i = 0; i < 10; i++) decode.error('template_missing');
  assert.equal(health.check(5_000).status, 'GOOD');
  decode.error('truncated');
  stats.udp[0]!.socketDrops = 7;
  stats.sink.lostFlows = 30;
  stats.sink.droppedFlows = 5;
  stats.decoderExceptions = 1;
  const c = health.check(10_000);
  assert.equal(c.status, 'WARN');
  assert.deepEqual(c.reasons, [
    'the kernel dropped 7 datagrams in the last minute: raise recvBufferSize and net.core.rmem_max',
    '5 flows dropped in the last minute: the store fell behind',
    '30 flows lost in the last minute: the store refused them',
    'a decoder threw 1 times in the last minute',
    '11 decode errors for 1000 packets in the last minute (see the log)',
  ]);
  assert.equal(c.values.flows_lost_last_min, 35);
  assert.equal(c.values.decode_errors, 11);
  assert.equal(health.check(75_000).status, 'GOOD', 'a quiet minute later');
});
