import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parsePacket } from '../src/capture/link.js';
import { PacketInfo, packetSkipReasons } from '../src/capture/packet-info.js';
import { ethernet, ipv4, ipv6, tcp, udp } from './helpers/capture-craft.js';
import { assertMatchesTshark, readAndParse } from './helpers/capture-oracle.js';
import { scratchDir } from './helpers/capture-tools.js';
import { type TestPacket, writePcap } from './helpers/capture-writer.js';

const payload = Array.from({ length: 24 }, (_, i) => i + 1);

interface Case {
  readonly name: string;
  readonly frame: Uint8Array;
  readonly status: string;
  readonly protocol?: number;
  readonly payloadLength?: number;
  readonly firstFragment?: number;
}

const cases: Case[] = [
  {
    name: 'IPv4 UDP with IP options',
    frame: ethernet(ipv4({ protocol: 17, options: [1, 1, 1, 0] }, udp(5000, 2055, payload))),
    status: 'ok',
    protocol: 17,
    payloadLength: 24,
  },
  {
    name: 'IPv4 UDP with Ethernet padding',
    frame: ethernet(ipv4({ protocol: 17 }, udp(5000, 2055, [1, 2]))),
    status: 'ok',
    protocol: 17,
    payloadLength: 2,
  },
  {
    name: 'IPv4 TCP with options',
    frame: ethernet(ipv4({ protocol: 6 }, tcp(4739, 40000, 1000, 0x18, payload, [2, 4, 5, 0xb4]))),
    status: 'ok',
    protocol: 6,
    payloadLength: 24,
  },
  {
    name: 'IPv4 first fragment',
    frame: ethernet(
      ipv4({ protocol: 17, moreFragments: true }, [...udp(5000, 2055, payload).slice(0, 8), ...payload]).map(
        (b, i) => (i === 14 + 4 ? 0 : i === 14 + 5 ? 200 : b), // UDP length covers the whole datagram
      ),
    ),
    status: 'ok',
    protocol: 17,
    payloadLength: 24,
    firstFragment: 1,
  },
  {
    name: 'IPv4 later fragment',
    frame: ethernet(ipv4({ protocol: 17, fragmentOffset: 4 }, payload)),
    status: 'ip_fragment',
  },
  {
    name: 'IPv4 ICMP',
    frame: ethernet(ipv4({ protocol: 1 }, [8, 0, 0, 0, 0, 1, 0, 1, ...payload])),
    status: 'ok',
    protocol: 1,
    payloadLength: 32,
  },
  {
    name: 'IPv6 UDP',
    frame: ethernet(ipv6({ protocol: 17 }, udp(5000, 6343, payload))),
    status: 'ok',
    protocol: 17,
    payloadLength: 24,
  },
  {
    name: 'IPv6 hop-by-hop, routing, destination options, UDP',
    frame: ethernet(
      ipv6({ protocol: 17, extensions: [{ type: 0 }, { type: 43 }, { type: 60 }] }, udp(5000, 2055, payload)),
    ),
    status: 'ok',
    protocol: 17,
    payloadLength: 24,
  },
  {
    name: 'IPv6 first fragment',
    frame: ethernet(
      ipv6({ protocol: 17, extensions: [{ type: 44, moreFragments: true }] }, udp(5000, 2055, payload)),
    ),
    status: 'ok',
    protocol: 17,
    firstFragment: 1,
  },
  {
    name: 'IPv6 later fragment',
    frame: ethernet(ipv6({ protocol: 17, extensions: [{ type: 44, fragmentOffset: 8 }] }, payload)),
    status: 'ip_fragment',
  },
  {
    name: 'IPv6 TCP',
    frame: ethernet(ipv6({ protocol: 6 }, tcp(40000, 4739, 7, 0x10, payload))),
    status: 'ok',
    protocol: 6,
    payloadLength: 24,
  },
  {
    name: 'ARP',
    frame: Uint8Array.from([...new Array<number>(12).fill(1), 0x08, 0x06, ...new Array<number>(46).fill(0)]),
    status: 'not_ip',
  },
];

function parse(frame: Uint8Array, linkType = 1, offset = 0): { status: string; info: PacketInfo } {
  const info = new PacketInfo();
  const buf = new Uint8Array(offset + frame.length);
  buf.set(frame, offset);
  const status = packetSkipReasons[parsePacket(buf, offset, frame.length, linkType, info)]!;
  return { status, info };
}

describe('crafted packets', () => {
  for (const c of cases) {
    test(c.name, () => {
      const { status, info } = parse(c.frame, 1, 7);
      assert.equal(status, c.status);
      if (c.protocol !== undefined) assert.equal(info.protocol, c.protocol);
      if (c.payloadLength !== undefined) assert.equal(info.payloadLength, c.payloadLength);
      assert.equal(info.firstFragment, c.firstFragment ?? 0);
    });
  }

  const packets: TestPacket[] = cases.map((c, i) => ({
    micros: 1_700_000_000_000_000n + BigInt(i),
    data: c.frame,
    originalLength: c.frame.length,
    linkType: 1,
  }));
  const scratch = scratchDir();

  test('agree with tshark (Ethernet)', async () => {
    const file = join(scratch, 'crafted.pcap');
    writeFileSync(file, writePcap(packets, 1));
    await assertMatchesTshark(file, (await readAndParse(file)).packets);
  });

  test('agree with tshark (link type 229, IPv6)', async () => {
    const v6 = packets
      .filter((p) => p.data[12] === 0x86)
      .map((p) => ({
        ...p,
        data: p.data.subarray(14),
        originalLength: p.originalLength - 14,
        linkType: 229,
      }));
    const file = join(scratch, 'crafted-ipv6.pcap');
    writeFileSync(file, writePcap(v6, 229));
    const seen = await readAndParse(file);
    assert.equal(seen.packets.length, 5);
    await assertMatchesTshark(file, seen.packets);
  });
});

describe('bad headers give a bounded reason', () => {
  const v4udp = ethernet(ipv4({ protocol: 17 }, udp(1, 2, payload)));
  const v4tcp = ethernet(ipv4({ protocol: 6 }, tcp(1, 2, 3, 0x10, payload)));
  const v6ext = ethernet(ipv6({ protocol: 17, extensions: [{ type: 0 }, { type: 43 }] }, udp(1, 2, payload)));
  const patched = (frame: Uint8Array, at: number, value: number) =>
    frame.map((b, i) => (i === at ? value : b));
  const bad: [string, Uint8Array, number, string][] = [
    ['unknown link type', v4udp, 9999, 'unsupported_link_type'],
    ['short Ethernet', v4udp.subarray(0, 10), 1, 'truncated_link'],
    ['short VLAN tag', Uint8Array.from([...v4udp.subarray(0, 12), 0x81, 0, 0]), 1, 'truncated_link'],
    ['short IPv4', v4udp.subarray(0, 30), 1, 'truncated_ip'],
    ['IPv4 header length 16', patched(v4udp, 14, 0x44), 1, 'bad_ip_header'],
    ['IPv4 total length below header', patched(patched(v4udp, 16, 0), 17, 10), 1, 'bad_ip_header'],
    ['IP version 5', patched(v4udp, 14, 0x55), 1, 'bad_ip_header'],
    ['short UDP', v4udp.subarray(0, 14 + 20 + 5), 1, 'truncated_l4'],
    ['UDP length 4', patched(v4udp, 14 + 20 + 5, 4), 1, 'bad_l4_header'],
    ['short TCP', v4tcp.subarray(0, 14 + 20 + 12), 1, 'truncated_l4'],
    ['TCP data offset 16', patched(v4tcp, 14 + 20 + 12, 0x40), 1, 'bad_l4_header'],
    [
      'TCP data offset past the end',
      patched(v4tcp.subarray(0, 14 + 20 + 24), 14 + 20 + 12, 0xf0),
      1,
      'truncated_l4',
    ],
    ['short IPv6', v6ext.subarray(0, 40), 1, 'truncated_ip'],
    ['IPv6 extension cut', v6ext.subarray(0, 14 + 40 + 20), 1, 'truncated_ip'],
    ['NULL with unknown family', Uint8Array.from([7, 0, 0, 0, ...v4udp.subarray(14)]), 0, 'not_ip'],
    ['short NULL', Uint8Array.from([2, 0]), 0, 'truncated_link'],
    ['short SLL', v4udp.subarray(0, 15), 113, 'truncated_link'],
    ['short SLL2', v4udp.subarray(0, 19), 276, 'truncated_link'],
    ['raw IP with nothing', new Uint8Array(0), 101, 'truncated_ip'],
  ];
  for (const [name, frame, linkType, reason] of bad) {
    test(name, () => assert.equal(parse(frame, linkType).status, reason));
  }

  test('a snap-length-cut UDP packet parses, flagged truncated', () => {
    const { status, info } = parse(v4udp.subarray(0, 14 + 20 + 8 + 4));
    assert.equal(status, 'ok');
    assert.equal(info.truncated, true);
    assert.equal(info.payloadLength, 4);
  });

  test('every prefix of every crafted packet parses without throwing', () => {
    for (const c of cases) {
      for (let n = 0; n <= c.frame.length; n++) {
        const { status, info } = parse(c.frame.subarray(0, n));
        assert.ok(packetSkipReasons.includes(status as never));
        if (status === 'ok') assert.ok(info.payloadOffset + info.payloadLength <= n);
      }
    }
  });
});
