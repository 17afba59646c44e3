import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentHarness, T0 } from '../../../test/helpers/agent-harness.js';
import { ethernet, ipv4, ipv6, tcp, udp } from '../../../test/helpers/capture-craft.js';

const udpFrame = (src: string, sport: number, dst: string, dport: number) =>
  ethernet(ipv4({ protocol: 17, src, dst }, udp(sport, dport, [1, 2, 3, 4])));

function withVlan(frame: Uint8Array, vid: number): Uint8Array {
  return Uint8Array.from([...frame.subarray(0, 12), 0x81, 0x00, vid >> 8, vid & 0xff, ...frame.subarray(12)]);
}

describe('client and server', () => {
  test('the sender of a SYN without ACK is the client, whatever the ports', () => {
    const h = agentHarness({});
    h.send(
      ethernet(ipv4({ protocol: 6, src: '10.0.0.1', dst: '10.0.0.2' }, tcp(80, 45000, 1, 0x02, []))),
      T0,
    );
    h.send(
      ethernet(ipv4({ protocol: 6, src: '10.0.0.2', dst: '10.0.0.1' }, tcp(45000, 80, 7, 0x12, []))),
      T0 + 1,
    );
    h.pipeline.finish();
    const r = h.records[0]!;
    assert.deepEqual(
      [r.src_addr, r.l4_src_port, r.dst_addr, r.l4_dst_port],
      ['10.0.0.1', 80, '10.0.0.2', 45000],
    );
    assert.deepEqual([r.in_pkts, r.out_pkts], [1, 1]);
  });

  test('the receiver of a SYN+ACK seen first is the client', () => {
    const h = agentHarness({});
    h.send(
      ethernet(ipv4({ protocol: 6, src: '10.0.0.2', dst: '10.0.0.1' }, tcp(5000, 6000, 7, 0x12, []))),
      T0,
    );
    h.pipeline.finish();
    assert.deepEqual(
      [h.records[0]!.src_addr, h.records[0]!.l4_src_port, h.records[0]!.out_pkts],
      ['10.0.0.1', 6000, 1],
    );
  });

  test('without a handshake, the side on a service port is the server', () => {
    const h = agentHarness({});
    h.send(udpFrame('10.0.0.9', 53, '10.0.0.1', 40000), T0); // a DNS response seen first
    h.send(udpFrame('10.0.0.1', 55555, '10.0.0.9', 5432), T0 + 1); // PostgreSQL: a known service port
    h.send(udpFrame('0.0.0.0', 68, '255.255.255.255', 67), T0 + 2); // both below 1024: the lower is the server
    h.send(udpFrame('10.0.0.7', 40000, '10.0.0.8', 50000), T0 + 3); // neither: the first sender is the client
    h.pipeline.finish();
    const ends = h.records.map((r) => `${r.src_addr}:${r.l4_src_port}>${r.dst_addr}:${r.l4_dst_port}`).sort();
    assert.deepEqual(ends, [
      '0.0.0.0:68>255.255.255.255:67',
      '10.0.0.1:40000>10.0.0.9:53',
      '10.0.0.1:55555>10.0.0.9:5432',
      '10.0.0.7:40000>10.0.0.8:50000',
    ]);
    assert.equal(h.records.find((r) => r.l4_src_port === 40000 && r.dst_addr === '10.0.0.9')!.out_pkts, 1);
  });
});

describe('keys', () => {
  test('the same 5-tuple on two VLANs is two flows, with the VLAN in vlan_in and vlan_out', () => {
    const h = agentHarness({});
    h.send(withVlan(udpFrame('10.0.0.1', 40000, '10.0.0.2', 53), 10), T0);
    h.send(withVlan(udpFrame('10.0.0.1', 40000, '10.0.0.2', 53), 20), T0 + 1);
    h.send(withVlan(udpFrame('10.0.0.2', 53, '10.0.0.1', 40000), 20), T0 + 2);
    h.pipeline.finish();
    const rows = h.records.map((r) => [r.vlan_in, r.vlan_out, r.in_pkts, r.out_pkts ?? 0]).sort();
    assert.deepEqual(rows, [
      [10, 10, 1, 0],
      [20, 20, 1, 1],
    ]);
  });

  test('ICMP echo request and reply are one flow; an error is its own, with type * 256 + code as port', () => {
    const h = agentHarness({});
    const echo = (src: string, dst: string, type: number) =>
      ethernet(ipv4({ protocol: 1, src, dst }, [type, 0, 0, 0, 0, 7, 0, 1, 9, 9, 9, 9]));
    h.send(echo('10.0.0.1', '10.0.0.2', 8), T0);
    h.send(echo('10.0.0.2', '10.0.0.1', 0), T0 + 1);
    h.send(
      ethernet(ipv4({ protocol: 1, src: '10.0.0.254', dst: '10.0.0.1' }, [3, 3, 0, 0, 0, 0, 0, 0])),
      T0 + 2,
    );
    h.pipeline.finish();
    const e = h.records.find((r) => r.src_addr === '10.0.0.1')!;
    assert.deepEqual(
      [e.dst_addr, e.l4_src_port, e.l4_dst_port, e.in_pkts, e.out_pkts],
      ['10.0.0.2', undefined, 8 * 256, 1, 1],
    );
    const u = h.records.find((r) => r.src_addr === '10.0.0.254')!;
    assert.deepEqual([u.l4_dst_port, u.in_pkts], [3 * 256 + 3, 1]);
  });

  test('ICMPv6 echo, over IPv6 with extension headers', () => {
    const h = agentHarness({});
    const frame = (src: string, dst: string, type: number) =>
      ethernet(
        ipv6({ protocol: 58, src, dst, extensions: [{ type: 0 }, { type: 60 }] }, [
          type,
          0,
          0,
          0,
          1,
          2,
          0,
          1,
        ]),
      );
    h.send(frame('2001:db8::1', '2001:db8::2', 128), T0);
    h.send(frame('2001:db8::2', '2001:db8::1', 129), T0 + 1);
    h.pipeline.finish();
    assert.equal(h.records.length, 1);
    const r = h.records[0]!;
    // 40-byte header + 16 + 16 bytes of options + 8 bytes of ICMPv6.
    assert.deepEqual(
      [r.src_addr, r.l4_dst_port, r.in_bytes, r.out_bytes, r.ip_version],
      ['2001:db8::1', 128 * 256, 80, 80, 6],
    );
  });

  test('6in4: the flow is the inner IPv6 packet', () => {
    const h = agentHarness({});
    const inner = ipv6({ protocol: 17, src: '2001:db8::1', dst: '2001:db8::2' }, udp(40000, 53, [1, 2]));
    h.send(ethernet(ipv4({ protocol: 41, src: '192.0.2.1', dst: '192.0.2.2' }, inner)), T0);
    h.pipeline.finish();
    const r = h.records[0]!;
    assert.deepEqual(
      [r.src_addr, r.dst_addr, r.l4_dst_port, r.in_bytes],
      ['2001:db8::1', '2001:db8::2', 53, 40 + 10],
    );
  });
});

describe('IP fragments', () => {
  // One UDP datagram of 8 + 40 bytes in three IPv4 fragments (offsets in 8-byte units).
  const payload = Array.from({ length: 40 }, (_, i) => i);
  const datagram = udp(40000, 53, payload);
  const frag = (src: string, offset: number, more: boolean) =>
    ethernet(
      ipv4(
        { protocol: 17, src, dst: '10.0.0.9', moreFragments: more, fragmentOffset: offset },
        datagram.slice(offset * 8, more ? offset * 8 + 16 : undefined),
      ),
    );

  test('later fragments count in the flow of their first fragment', () => {
    const h = agentHarness({});
    h.send(frag('10.0.0.1', 0, true), T0);
    h.send(frag('10.0.0.1', 2, true), T0 + 1);
    h.send(frag('10.0.0.1', 4, false), T0 + 2);
    h.send(frag('10.0.0.2', 2, true), T0 + 3); // its first fragment never came
    h.pipeline.finish();
    assert.equal(h.records.length, 1);
    const r = h.records[0]!;
    // IP lengths: 20 + 16, 20 + 16, 20 + 16 (the last: bytes 32..48 of the datagram).
    assert.deepEqual(
      [r.l4_src_port, r.l4_dst_port, r.in_pkts, r.in_bytes, r.fragments],
      [40000, 53, 3, 108, 3],
    );
    assert.equal(h.stats.fragments, 2);
    assert.deepEqual(h.stats.skippedCounts(), { fragment_unmatched: 1 });
  });

  test('IPv6: later fragments (fragment header) count in the flow of their first', () => {
    const h = agentHarness({});
    const whole = udp(40000, 53, new Array<number>(24).fill(5)); // 32 bytes in two fragments of 16
    const v6frag = (offset: number, more: boolean) =>
      ethernet(
        ipv6(
          { protocol: 17, extensions: [{ type: 44, fragmentOffset: offset, moreFragments: more }] },
          whole.slice(offset * 8, offset * 8 + 16),
        ),
      );
    h.send(v6frag(0, true), T0);
    h.send(v6frag(2, false), T0 + 1);
    h.pipeline.finish();
    assert.equal(h.records.length, 1);
    const r = h.records[0]!;
    // Each: 40-byte header + 8-byte fragment header + 16 bytes.
    assert.deepEqual([r.l4_dst_port, r.in_pkts, r.in_bytes, r.fragments], [53, 2, 128, 2]);
  });
});
