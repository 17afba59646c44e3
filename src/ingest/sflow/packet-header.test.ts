import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as c from '../../../test/helpers/sflow-craft.js';
import { formatAddr } from '../../flow/addr.js';
import { PacketFields, parseEthernet, parseIPv4, parseIPv6 } from './packet-header.js';

function parse(frame: Uint8Array, end = frame.length): PacketFields {
  const f = new PacketFields();
  parseEthernet(frame, 0, end, f);
  return f;
}

function addr(buf: Uint8Array, off: number, version: number): string {
  if (version === 6) return formatAddr(buf, off);
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

describe('packet header parser', () => {
  test('Ethernet, IPv4, TCP: MACs, addresses, TOS, ports, flags', () => {
    const frame = c.ethernet(c.ipv4(c.tcp(1234, 80, 0x18), { src: '10.1.2.3', dst: '10.4.5.6', tos: 0x28 }), {
      src: '02:11:22:33:44:55',
      dst: '02:66:77:88:99:aa',
    });
    const f = parse(frame);
    assert.equal(f.srcMac, 0x021122334455);
    assert.equal(f.dstMac, 0x02667788_99aa);
    assert.equal(f.ipVersion, 4);
    assert.equal(addr(frame, f.srcAddrOff, 4), '10.1.2.3');
    assert.equal(addr(frame, f.dstAddrOff, 4), '10.4.5.6');
    assert.deepEqual([f.tos, f.protocol, f.srcPort, f.dstPort, f.tcpFlags], [0x28, 6, 1234, 80, 0x18]);
  });

  test('QinQ (0x88a8 then 0x8100) and the old 0x9100 TPID: the inner VLAN is kept', () => {
    for (const outer of [0x88a8, 0x9100, 0x8100]) {
      const frame = c.ethernet(c.ipv4(c.udp(53, 5353), { proto: 17 }), {
        tags: [
          [outer, 0x3000 | 100],
          [0x8100, 200],
        ],
      });
      const f = parse(frame);
      assert.equal(f.vlan, 200, `outer TPID ${outer.toString(16)}`);
      assert.deepEqual([f.protocol, f.srcPort, f.dstPort], [17, 53, 5353]);
    }
  });

  test('IPv4 header options are skipped by IHL', () => {
    const frame = c.ethernet(c.ipv4(c.udp(1, 2), { proto: 17, options: [1, 1, 1, 0, 7, 4, 0, 0] }));
    assert.deepEqual([parse(frame).srcPort, parse(frame).dstPort], [1, 2]);
  });

  test('IPv4 fragments: ports from the first fragment only', () => {
    const first = parse(c.ethernet(c.ipv4(c.udp(7, 8), { proto: 17, moreFragments: true })));
    assert.deepEqual([first.srcPort, first.dstPort, first.fragmentOffset], [7, 8, 0]);
    const later = parse(c.ethernet(c.ipv4(c.udp(7, 8), { proto: 17, fragOffset: 185 })));
    assert.deepEqual([later.protocol, later.srcPort, later.dstPort, later.fragmentOffset], [17, 0, 0, 185]);
  });

  test('IPv6 extension headers are skipped to the upper layer', () => {
    const payload = c.ipv6Extension(43, c.ipv6Extension(60, c.ipv6Extension(6, c.tcp(443, 5000, 0x02))));
    const frame = c.ethernet(
      c.ipv6(payload, { next: 0, tclass: 0xb8, src: '2001:db8::a', dst: '2001:db8::b' }),
    );
    const f = parse(frame);
    assert.equal(f.ipVersion, 6);
    assert.equal(addr(frame, f.srcAddrOff, 6), '2001:db8::a');
    assert.equal(addr(frame, f.dstAddrOff, 6), '2001:db8::b');
    assert.deepEqual([f.tos, f.protocol, f.srcPort, f.dstPort, f.tcpFlags], [0xb8, 6, 443, 5000, 0x02]);
  });

  test('IPv6 fragment header: first fragment parsed, later ones not', () => {
    const first = parse(c.ethernet(c.ipv6(c.ipv6Fragment(17, 0, true, c.udp(1, 2)), { next: 44 })));
    assert.deepEqual([first.protocol, first.srcPort, first.dstPort], [17, 1, 2]);
    const later = parse(c.ethernet(c.ipv6(c.ipv6Fragment(17, 100, false, c.udp(1, 2)), { next: 44 })));
    assert.deepEqual([later.protocol, later.srcPort, later.dstPort, later.fragmentOffset], [17, 0, 0, 100]);
  });

  test('ICMP and ICMPv6: type * 256 + code in the destination port', () => {
    const v4 = parse(c.ethernet(c.ipv4(c.icmp(3, 4), { proto: 1 })));
    assert.deepEqual([v4.protocol, v4.srcPort, v4.dstPort], [1, 0, 3 * 256 + 4]);
    const v6 = parse(c.ethernet(c.ipv6(c.icmp(135, 0), { next: 58 })));
    assert.deepEqual([v6.protocol, v6.dstPort], [58, 135 * 256]);
  });

  test('MPLS: top label kept, IP found after the bottom of the stack', () => {
    const frame = c.ethernet(c.concat(c.u16(0x3e8, 0x0ff), c.u16(0x7d0, 0x1140), c.ipv4(c.tcp(1, 2, 0x10))), {
      type: 0x8847,
    });
    const f = parse(frame);
    assert.equal(f.mplsLabel, 16000);
    assert.deepEqual([f.ipVersion, f.srcPort, f.dstPort], [4, 1, 2]);
  });

  test('raw IPv4 and IPv6 headers (sFlow header protocols 11 and 12)', () => {
    const v4 = c.ipv4(c.udp(10, 20), { proto: 17 });
    const f4 = new PacketFields();
    parseIPv4(v4, 0, v4.length, f4);
    assert.deepEqual([f4.ipVersion, f4.srcPort, f4.dstPort], [4, 10, 20]);
    const v6 = c.ipv6(c.udp(30, 40), { next: 17 });
    const f6 = new PacketFields();
    parseIPv6(v6, 0, v6.length, f6);
    assert.deepEqual([f6.ipVersion, f6.srcPort, f6.dstPort], [6, 30, 40]);
  });

  test('a header cut at any length yields only the layers that fit, never reads past the end', () => {
    const frame = c.ethernet(c.ipv6(c.ipv6Extension(6, c.tcp(1, 2, 0x11)), { next: 0 }), {
      tags: [
        [0x88a8, 5],
        [0x8100, 6],
      ],
    });
    const full = parse(frame);
    for (let end = 0; end <= frame.length; end++) {
      // Bytes past `end` are garbage: a parser reading them would see different values.
      const copy = new Uint8Array(frame.length + 64).fill(0xff);
      copy.set(frame.subarray(0, end));
      const f = parse(copy, end);
      if (f.ipVersion !== 0) assert.equal(f.ipVersion, 6);
      if (f.srcPort !== 0) assert.equal(f.srcPort, full.srcPort);
      if (f.tcpFlags !== 0) assert.equal(f.tcpFlags, full.tcpFlags);
      if (end === frame.length) assert.deepEqual(f, full);
    }
  });
});
