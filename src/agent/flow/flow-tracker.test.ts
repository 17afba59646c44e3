import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentHarness, iso, T0 } from '../../../test/helpers/agent-harness.js';
import { ethernet, ipv4, tcp, udp } from '../../../test/helpers/capture-craft.js';

const udpFrame = (src: string, sport: number, dst: string, dport: number, size = 10) =>
  ethernet(ipv4({ protocol: 17, src, dst }, udp(sport, dport, new Array<number>(size).fill(7))));
const A = udpFrame('10.0.0.1', 40001, '10.0.0.9', 53);
const B = udpFrame('10.0.0.2', 40002, '10.0.0.9', 53);
const C = udpFrame('10.0.0.3', 40003, '10.0.0.9', 53);
// Each is a 20-byte IPv4 header + 8-byte UDP header + 10 bytes: IP length 38.
const IP_LENGTH = 38;

const from = (r: Record<string, unknown>) => `${r.src_addr}:${r.l4_src_port}`;

describe('flow table timeouts and eviction (capture timestamps)', () => {
  test('a full table evicts the least recently seen flow, exporting it first', () => {
    const h = agentHarness({ maxFlows: 2 });
    h.send(A, T0 + 1000);
    h.send(B, T0 + 2000);
    h.send(A, T0 + 3000); // A is now more recent than B
    h.send(C, T0 + 4000); // no room: B (last seen at +2 s) goes
    assert.equal(h.stats.evicted, 1);
    assert.deepEqual(h.records.map(from), ['10.0.0.2:40002']);
    h.pipeline.finish();
    assert.deepEqual(h.records.map(from).sort(), ['10.0.0.1:40001', '10.0.0.2:40002', '10.0.0.3:40003']);
    const a = h.records.find((r) => r.src_addr === '10.0.0.1')!;
    assert.equal(a.in_pkts, 2);
    assert.equal(a.in_bytes, 2 * IP_LENGTH);
    assert.equal(h.stats.flows, 3);
  });

  test('an idle flow is exported and forgotten once the clock passes its idle timeout', () => {
    const h = agentHarness({ idleTimeoutMs: 10_000 });
    h.send(A, T0 + 1000);
    h.send(A, T0 + 6000);
    h.send(B, T0 + 15_000); // A idle 9 s: kept
    assert.equal(h.records.length, 0);
    h.send(B, T0 + 16_000); // A idle 10 s: expired before this packet counts
    assert.equal(h.stats.expiredIdle, 1);
    assert.deepEqual(h.records.map(from), ['10.0.0.1:40001']);
    assert.equal(h.records[0]!.in_pkts, 2);
    assert.equal(h.records[0]!.flow_start_time, iso(T0 + 1000));
    assert.equal(h.records[0]!.flow_end_time, iso(T0 + 6000));
    h.send(A, T0 + 17_000); // a new flow with A's key
    assert.equal(h.stats.flows, 3);
  });

  test('a closed TCP flow times out after the closed timeout, an open one does not', () => {
    const h = agentHarness({ idleTimeoutMs: 30_000, closedTimeoutMs: 5000 });
    const c = (flags: number, seq: number) =>
      ethernet(ipv4({ protocol: 6, src: '10.0.0.1', dst: '10.0.0.9' }, tcp(40000, 80, seq, flags, [])));
    const s = (flags: number, seq: number) =>
      ethernet(ipv4({ protocol: 6, src: '10.0.0.9', dst: '10.0.0.1' }, tcp(80, 40000, seq, flags, [])));
    h.send(c(0x02, 1), T0 + 1000);
    h.send(s(0x12, 9), T0 + 1001);
    h.send(c(0x10, 2), T0 + 1002);
    h.send(udpFrame('10.0.0.5', 5000, '10.0.0.6', 6000), T0 + 1003); // an open UDP flow
    h.send(c(0x11, 2), T0 + 1004); // FIN from the client: half closed, still open
    h.send(s(0x11, 10), T0 + 1005); // FIN from the server: closed
    h.send(c(0x10, 3), T0 + 1006);
    h.send(A, T0 + 6005); // the TCP flow has been quiet 4.999 s
    assert.equal(h.stats.expiredClosed, 0);
    h.send(A, T0 + 6006); // 5 s
    assert.equal(h.stats.expiredClosed, 1);
    assert.equal(h.stats.expiredIdle, 0, 'the UDP flow, quiet as long, is not idle yet');
    const r = h.records[0]!;
    assert.equal(r.protocol, 6);
    assert.equal(from(r), '10.0.0.1:40000');
    assert.equal(r.in_pkts, 4);
    assert.equal(r.out_pkts, 2);
    assert.equal(r.tcp_flags, 0x13); // SYN | ACK | FIN
  });

  test('a record ends at each minute boundary of the flow clock', () => {
    const h = agentHarness({});
    h.send(A, T0 + 50_000);
    h.send(B, T0 + 55_000);
    h.send(A, T0 + 70_000); // crossing 12:01 first exports A's and B's records of 12:00
    assert.equal(h.stats.minuteSplits, 2);
    assert.deepEqual(
      h.records.map((r) => [from(r), r.i_start_time, r.in_pkts]),
      [
        ['10.0.0.1:40001', iso(T0), 1],
        ['10.0.0.2:40002', iso(T0), 1],
      ],
    );
    h.pipeline.finish();
    const last = h.records[2]!;
    assert.deepEqual(
      [from(last), last.i_start_time, last.flow_start_time],
      ['10.0.0.1:40001', iso(T0 + 60_000), iso(T0 + 70_000)],
    );
    assert.equal(h.records.length, 3, 'B had no packet in 12:01: no record');
  });

  test('the active timeout ends a record that has lasted that long', () => {
    const h = agentHarness({ activeTimeoutMs: 20_000 });
    h.send(A, T0 + 1000);
    h.send(A, T0 + 11_000);
    h.send(A, T0 + 21_000); // the record started at +1 s: 20 s old, exported before this packet
    assert.equal(h.stats.activeSplits, 1);
    h.pipeline.finish();
    assert.deepEqual(
      h.records.map((r) => [r.in_pkts, r.flow_start_time, r.flow_end_time]),
      [
        [2, iso(T0 + 1000), iso(T0 + 11_000)],
        [1, iso(T0 + 21_000), iso(T0 + 21_000)],
      ],
    );
  });

  test('the flow clock never goes back: an earlier-stamped packet is taken at the latest time', () => {
    const h = agentHarness({});
    h.send(A, T0 + 5000);
    h.send(A, T0 + 3000);
    h.pipeline.finish();
    assert.equal(h.records[0]!.flow_start_time, iso(T0 + 5000));
    assert.equal(h.records[0]!.flow_end_time, iso(T0 + 5000));
    assert.equal(h.records[0]!.in_pkts, 2);
  });
});

describe('timestamps as received', () => {
  test('flows are timed by the injected wall clock, not the capture', () => {
    const clock = [T0 + 10, T0 + 20, T0 + 61_000];
    let i = 0;
    const h = agentHarness({ timestamps: 'received' }, { now: () => clock[i++]! });
    h.send(A, 1000); // capture times from 1970: ignored for flow times
    h.send(A, 2000);
    h.send(A, 3000); // the wall clock crossed 12:01
    h.pipeline.finish();
    assert.deepEqual(
      h.records.map((r) => [r.i_start_time, r.flow_start_time, r.flow_end_time, r.in_pkts]),
      [
        [iso(T0), iso(T0 + 10), iso(T0 + 20), 2],
        [iso(T0 + 60_000), iso(T0 + 61_000), iso(T0 + 61_000), 1],
      ],
    );
  });

  test('tick moves the clock without packets, so quiet flows time out', () => {
    let now = T0 + 1000;
    const h = agentHarness({ timestamps: 'received', idleTimeoutMs: 10_000 }, { now: () => now });
    h.send(A, 0);
    now = T0 + 5000;
    h.pipeline.tick();
    assert.equal(h.records.length, 0);
    now = T0 + 11_000;
    h.pipeline.tick();
    assert.equal(h.stats.expiredIdle, 1);
    assert.equal(h.records.length, 1);
  });
});
