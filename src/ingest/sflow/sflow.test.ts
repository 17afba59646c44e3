import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowFixture } from '../../../test/helpers/paths.js';
import { RECEIVED, sflowSetup as setup } from '../../../test/helpers/sflow-context.js';
import * as c from '../../../test/helpers/sflow-craft.js';
import { udpPayloads } from '../../../test/helpers/sflow-pcap.js';
import { F } from '../../flow/batch.js';
import type { DecodeTarget } from '../context.js';
import { decodeSflowRepeatedly } from './repeat-decode.js';
import { decodeSflow } from './sflow.js';

const tcpHeader = (sport: number) => c.rawHeader(c.ethernet(c.ipv4(c.tcp(sport, 80, 0x10))), 1000);

describe('sFlow v5 decoder', () => {
  test('one row per flow sample, scaled by the sampling rate', () => {
    const { ctx, out } = setup();
    const n = decodeSflow(
      c.datagram([c.flowSample([tcpHeader(1)], { rate: 300, input: 11, output: 12 })]),
      ctx,
      out,
    );
    assert.equal(n, 1);
    const row = out.flows.rowObject(0);
    assert.equal(row.in_pkts, 300);
    assert.equal(row.in_bytes, 300_000);
    assert.equal(row.sample_rate, 300);
    assert.deepEqual([row.input_port, row.output_port], [11, 12]);
    assert.deepEqual([row.i_device_id, row.i_device_name, row.ip_version], [3, 'sw1', 4]);
    assert.equal(row.i_start_time, '2026-01-02T03:04:00.000Z');
    assert.equal(row.flow_start_time, new Date(RECEIVED).toISOString());
    assert.equal(ctx.exporter.stats.flows, 1);
    assert.equal(ctx.exporter.stats.sampleRate, 300);
  });

  test("the device's configured sampling rate overrides the sample's", () => {
    const { ctx, out } = setup({ sampleRate: 10 });
    decodeSflow(c.datagram([c.flowSample([tcpHeader(1)], { rate: 300 })]), ctx, out);
    assert.deepEqual([out.flows.rowObject(0).in_pkts, out.flows.rowObject(0).in_bytes], [10, 10_000]);
  });

  test('discarded (format 1) and multiple (format 2) outputs have no output port; local is 0', () => {
    const { ctx, out } = setup();
    decodeSflow(
      c.datagram([
        c.flowSample([tcpHeader(1)], { input: 5, output: (1 << 30) | 259 }),
        c.flowSample([tcpHeader(2)], { input: 5, output: (2 << 30) | 3 }),
        c.expandedFlowSample([tcpHeader(3)], { input: 70000, outputFormat: 1, output: 259 }),
        c.flowSample([tcpHeader(4)], { input: 0x3fffffff, output: 0x3fffffff }),
      ]),
      ctx,
      out,
    );
    const ports = [0, 1, 2, 3].map((r) => [
      out.flows.rowObject(r).input_port,
      out.flows.rowObject(r).output_port,
    ]);
    assert.deepEqual(ports, [
      [5, 0],
      [5, 0],
      [70000, 0],
      [0, 0],
    ]);
  });

  test('unknown sample formats, enterprises and records are skipped by their length', () => {
    const { ctx, out, stats } = setup();
    const n = decodeSflow(
      c.datagram([
        c.tagged(9, c.u32(1, 2, 3)),
        c.tagged(1, c.u32(1, 2), 4413),
        c.flowSample([c.tagged(2000, c.u32(7)), c.tagged(1, c.u32(1, 2, 3), 9), tcpHeader(42)]),
        c.counterSample([c.tagged(1234, c.u32(5, 6))]),
      ]),
      ctx,
      out,
    );
    assert.equal(n, 1);
    assert.equal(out.flows.rowObject(0).l4_src_port, 42);
    assert.equal(out.counters.length, 0);
    assert.equal(stats.totalErrors(), 0);
  });

  test('extended gateway: source AS or the router AS; last AS of the path or the router AS', () => {
    const { ctx, out } = setup();
    const gw = (srcAs: number, path: number[][]) =>
      c.flowSample([
        tcpHeader(1),
        c.extendedGateway({ nextHop: '192.0.2.9', as: 65000, srcAs, peerAs: 1, path }),
      ]);
    decodeSflow(c.datagram([gw(64512, [[1, 2, 3]]), gw(0, []), gw(0, [[5, 6], []])]), ctx, out);
    const as = [0, 1, 2].map((r) => [out.flows.rowObject(r).src_as, out.flows.rowObject(r).dst_as]);
    assert.deepEqual(as, [
      [64512, 3],
      [65000, 65000],
      [65000, 6],
    ]);
    assert.equal(out.flows.rowObject(0).bgp_next_hop, '192.0.2.9');
  });

  test('sampled IPv4 record: flags and TOS from the low byte of their 32-bit words', () => {
    const { ctx, out } = setup();
    const rec = c.sampledIPv4({
      length: 60,
      proto: 6,
      src: '192.0.2.1',
      dst: '192.0.2.2',
      sport: 3,
      dport: 4,
      flags: 0x12,
      tos: 0xb8,
    });
    decodeSflow(c.datagram([c.flowSample([rec], { rate: 1 })]), ctx, out);
    const row = out.flows.rowObject(0);
    assert.deepEqual(
      [
        row.src_addr,
        row.dst_addr,
        row.l4_src_port,
        row.l4_dst_port,
        row.tcp_flags,
        row.tos,
        row.in_bytes,
        row.ip_version,
      ],
      ['192.0.2.1', '192.0.2.2', 3, 4, 0x12, 0xb8, 60, 4],
    );
  });

  test('sampled IPv6 record stands in when there is no raw header', () => {
    const { ctx, out } = setup();
    const rec = c.sampledIPv6({
      length: 80,
      proto: 6,
      src: '2001:db8::1',
      dst: '2001:db8::2',
      sport: 1,
      dport: 2,
      flags: 2,
      tos: 4,
    });
    decodeSflow(c.datagram([c.flowSample([rec], { rate: 2 })]), ctx, out);
    const row = out.flows.rowObject(0);
    assert.deepEqual(
      [
        row.src_addr,
        row.dst_addr,
        row.protocol,
        row.l4_src_port,
        row.l4_dst_port,
        row.tcp_flags,
        row.tos,
        row.in_bytes,
      ],
      ['2001:db8::1', '2001:db8::2', 6, 1, 2, 2, 4, 160],
    );
  });

  test('an absurd sample count decodes the samples that are there and counts the rest', () => {
    const { ctx, out, stats } = setup();
    const n = decodeSflow(
      c.datagram([c.flowSample([tcpHeader(1)]), c.flowSample([tcpHeader(2)])], { numSamples: 0xffffffff }),
      ctx,
      out,
    );
    assert.equal(n, 2);
    assert.equal(stats.count('truncated'), 1);
  });

  test('absurd record and AS path counts and lengths are refused without throwing', () => {
    const { ctx, out, stats } = setup();
    const hugeRecords = c.tagged(1, c.u32(1, 3, 100, 1000, 0, 1, 2, 0xffffffff));
    const hugeHeader = c.flowSample([c.tagged(1, c.u32(1, 1000, 4, 0xfffffff0))]);
    const hugePath = c.flowSample([c.tagged(1003, c.u32(1, 0x01020304, 1, 2, 3, 0xffffffff, 2, 0xffffffff))]);
    const good = c.flowSample([tcpHeader(9)]);
    const n = decodeSflow(c.datagram([hugeRecords, hugeHeader, hugePath, good]), ctx, out);
    assert.equal(n, 1);
    assert.equal(out.flows.rowObject(0).l4_src_port, 9);
    assert.equal(stats.count('bad_length'), 1);
    assert.equal(stats.count('bad_sample'), 2);
  });

  test('bad version, agent address type and short headers are counted', () => {
    const { ctx, out, stats } = setup();
    decodeSflow(c.u32(4, 1, 0, 0, 0, 0, 0), ctx, out);
    decodeSflow(c.u32(5, 3, 0, 0, 0, 0, 0), ctx, out);
    decodeSflow(c.u32(5, 1, 0, 0), ctx, out);
    decodeSflow(c.u32(5), ctx, out);
    assert.deepEqual(
      [stats.count('bad_version'), stats.count('bad_record'), stats.count('truncated')],
      [1, 1, 2],
    );
    assert.equal(out.flows.length, 0);
  });

  test('a real datagram cut at every offset: no throw, whole rows only, errors counted', async () => {
    const full = (await udpPayloads(flowFixture('sflow-data-1140.pcap')))[0]!;
    const reference = setup();
    decodeSflow(full, reference.ctx, reference.out);
    assert.equal(reference.out.flows.length, 5);
    for (let end = 0; end < full.length; end++) {
      const { ctx, out, stats } = setup();
      // A copy, so that nothing past `end` is readable.
      const n = decodeSflow(Uint8Array.from(full.subarray(0, end)), ctx, out);
      assert.equal(out.flows.length, n);
      assert.ok(stats.totalErrors() >= 1, `errors counted at ${end}`);
      for (let r = 0; r < n; r++)
        assert.deepEqual(out.flows.rowObject(r), reference.out.flows.rowObject(r), `row ${r} at ${end}`);
      assertZeroPastLength(out);
    }
  });

  test('rows are appended after what the batch already holds', () => {
    const { ctx, out } = setup();
    out.flows.reserve(1);
    out.flows.length = 1;
    decodeSflow(c.datagram([c.flowSample([tcpHeader(5)]), c.flowSample([tcpHeader(6)])]), ctx, out);
    assert.equal(out.flows.length, 3);
    assert.equal(out.flows.rowObject(0).l4_src_port, 0);
    assert.equal(out.flows.rowObject(2).l4_src_port, 6);
  });

  test('decodeSflowRepeatedly decodes a datagram N times (benchmark entry)', () => {
    const d = c.datagram([c.flowSample([tcpHeader(1)]), c.flowSample([tcpHeader(2)])]);
    assert.equal(decodeSflowRepeatedly(d, 10_000), 20_000);
  });
});

function assertZeroPastLength(out: DecodeTarget): void {
  const b = out.flows;
  for (const col of [F.src_addr, F.in_bytes, F.l4_src_port, F.i_device_id]) {
    const width = col === F.src_addr ? 16 : 1;
    const arr = b.arrays[col]!;
    for (let i = b.length * width; i < arr.length; i++) assert.equal(arr[i], 0, `column ${col} past length`);
  }
}
