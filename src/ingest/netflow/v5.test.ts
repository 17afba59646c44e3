import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, createInterfaceCounterBatch } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';
import { minuteOf } from '../context.js';
import { decodePacket } from '../decode.js';
import type { Device } from '../device.js';
import { ExporterState } from '../exporter.js';
import { DecodeStats } from '../stats.js';

interface V5Record {
  src: number;
  dst: number;
  pkts: number;
  bytes: number;
  first: number;
  last: number;
  sport: number;
  dport: number;
  proto: number;
}

/** Builds a NetFlow v5 packet per the Cisco format: 24-byte header, 48-byte records. */
function v5Packet(seq: number, records: V5Record[], samplingField = 0, uptime = 100_000): Uint8Array {
  const buf = Buffer.alloc(24 + records.length * 48);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(records.length, 2);
  buf.writeUInt32BE(uptime, 4);
  buf.writeUInt32BE(1_700_000_000, 8); // unix secs
  buf.writeUInt32BE(500_000_000, 12); // + 0.5 s
  buf.writeUInt32BE(seq, 16);
  buf.writeUInt16BE(samplingField, 22);
  records.forEach((r, i) => {
    const o = 24 + i * 48;
    buf.writeUInt32BE(r.src, o);
    buf.writeUInt32BE(r.dst, o + 4);
    buf.writeUInt16BE(3, o + 12);
    buf.writeUInt16BE(7, o + 14);
    buf.writeUInt32BE(r.pkts, o + 16);
    buf.writeUInt32BE(r.bytes, o + 20);
    buf.writeUInt32BE(r.first, o + 24);
    buf.writeUInt32BE(r.last, o + 28);
    buf.writeUInt16BE(r.sport, o + 32);
    buf.writeUInt16BE(r.dport, o + 34);
    buf[o + 38] = r.proto;
    buf.writeUInt16BE(64_512, o + 40);
  });
  return buf;
}

const rec = (i: number): V5Record => ({
  src: 0x0a000001 + i,
  dst: 0xc0a80001,
  pkts: 10,
  bytes: 1500,
  first: 90_000,
  last: 99_000,
  sport: 40_000 + i,
  dport: 443,
  proto: 6,
});

function setup(device: Device = { id: 7, name: 'r1', tenant: 't' }) {
  const stats = new DecodeStats();
  const exporter = new ExporterState('192.0.2.1', device);
  const receivedAt = Date.UTC(2026, 0, 1, 12, 34, 56);
  const ctx: PacketContext = { exporter, receivedAt, minute: minuteOf(receivedAt), stats };
  const out: DecodeTarget = { flows: createFlowBatch(), counters: createInterfaceCounterBatch() };
  return { stats, exporter, ctx, out };
}

test('decodes records, scales by the header sampling interval, and converts uptime to time', () => {
  const { ctx, out } = setup();
  // Mode bits 01 (deterministic) + interval 100: the rate is the low 14 bits.
  const n = decodePacket(v5Packet(0, [rec(0), rec(1)], (1 << 14) | 100), ctx, out);
  assert.equal(n, 2);
  const row = out.flows.rowObject(1);
  assert.equal(row.src_addr, '10.0.0.2');
  assert.equal(row.dst_addr, '192.168.0.1');
  assert.equal(row.l4_src_port, 40_001);
  assert.equal(row.in_pkts, 1000);
  assert.equal(row.in_bytes, 150_000);
  assert.equal(row.sample_rate, 100);
  assert.equal(row.src_as, 64_512);
  assert.equal(row.i_device_name, 'r1');
  assert.equal(row.i_start_time, '2026-01-01T12:34:00.000Z');
  // Export time 1700000000.5 s at uptime 100 s: uptime 90 s was 10 s earlier.
  assert.equal(row.flow_start_time, new Date(1_700_000_000_500 - 10_000).toISOString());
});

test('a configured sampling rate overrides the header', () => {
  const { ctx, out } = setup({ id: 1, name: 'r', tenant: 't', sampleRate: 8 });
  decodePacket(v5Packet(0, [rec(0)], 100), ctx, out);
  assert.equal(out.flows.rowObject(0).in_pkts, 80);
});

test('sequence gaps count lost flows; a restart does not', () => {
  const { ctx, out, exporter } = setup();
  decodePacket(v5Packet(1000, [rec(0), rec(1)]), ctx, out); // next expected: 1002
  decodePacket(v5Packet(1005, [rec(0)]), ctx, out); // 3 flows missing
  assert.equal(exporter.stats.lostFlows, 3);
  decodePacket(v5Packet(0, [rec(0)]), ctx, out); // exporter restarted: backwards jump
  assert.equal(exporter.stats.lostFlows, 3);
});

test('a truncated packet keeps its whole records and counts the error', () => {
  const { ctx, out, stats } = setup();
  const full = v5Packet(0, [rec(0), rec(1), rec(2)]);
  const n = decodePacket(full.subarray(0, 24 + 48 * 2 + 20), ctx, out);
  assert.equal(n, 2);
  assert.equal(out.flows.length, 2);
  assert.equal(stats.count('truncated'), 1);
  assert.equal(decodePacket(full.subarray(0, 10), ctx, out), 0);
  assert.equal(stats.count('truncated'), 2);
});
