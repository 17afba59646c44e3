import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv4, ipv6, tcp } from '../../../test/helpers/capture-craft.js';
import { parsePacket } from '../../capture/link.js';
import { LinkType } from '../../capture/linktype.js';
import { PacketInfo, Parsed } from '../../capture/packet-info.js';
import { Dir } from '../contract.js';
import { newTcpSegment, segmentOf } from './segment.js';

const SYN = 0x02;
const ACK = 0x10;
const WS7 = [1, 3, 3, 7];

function parsed(packet: number[], captured = packet.length): { info: PacketInfo; buf: Uint8Array } {
  const buf = Uint8Array.from(packet.slice(0, captured));
  const info = new PacketInfo();
  assert.equal(parsePacket(buf, 0, buf.length, LinkType.RAW, info), Parsed.ok);
  return { info, buf };
}

test('a SYN over IPv4: header fields and its window scale', () => {
  const { info, buf } = parsed(ipv4({ protocol: 6 }, tcp(40000, 80, 0xfffffff0, SYN, [], WS7)));
  const s = newTcpSegment();
  assert.ok(segmentOf(info, buf, 12.5, Dir.FromClient, s));
  // tcp() writes ack 0 and window 0xffff; the SYN's options announce shift 7.
  assert.deepEqual(s, {
    timeMs: 12.5,
    dir: Dir.FromClient,
    seq: 0xfffffff0,
    ack: 0,
    flags: SYN,
    window: 0xffff,
    windowScale: 7,
    payloadLength: 0,
  });
});

test('the window-scale option is read on SYNs only', () => {
  const { info, buf } = parsed(ipv4({ protocol: 6 }, tcp(40000, 80, 1, ACK, [1, 2, 3], WS7)));
  const s = newTcpSegment();
  assert.ok(segmentOf(info, buf, 0, Dir.FromServer, s));
  assert.equal(s.windowScale, -1);
  assert.equal(s.payloadLength, 3);
});

test('payload length as sent, when the snap length cut the packet', () => {
  // 20 IP + 20 TCP + 1000 payload announced; only 60 bytes captured (20 of the payload).
  const packet = ipv4({ protocol: 6 }, tcp(40000, 80, 1, ACK, new Array<number>(1000).fill(0x61)));
  const { info, buf } = parsed(packet, 60);
  assert.equal(info.payloadLength, 20);
  const s = newTcpSegment();
  assert.ok(segmentOf(info, buf, 0, Dir.FromClient, s));
  assert.equal(s.payloadLength, 1000);
});

test('IPv6: payload length from the IPv6 header, past extension headers', () => {
  const packet = ipv6(
    { protocol: 6, extensions: [{ type: 60 }] },
    tcp(40000, 443, 7, ACK, new Array<number>(300).fill(1)),
  );
  const { info, buf } = parsed(packet, 40 + 16 + 20 + 10);
  const s = newTcpSegment();
  assert.ok(segmentOf(info, buf, 0, Dir.FromClient, s));
  assert.equal(s.payloadLength, 300);
  assert.equal(s.seq, 7);
});

test('not TCP: false and the segment untouched', () => {
  const udp = [0, 53, 0, 53, 0, 8, 0, 0];
  const { info, buf } = parsed(ipv4({ protocol: 17 }, udp));
  const s = newTcpSegment();
  s.seq = 42;
  assert.equal(segmentOf(info, buf, 0, Dir.FromClient, s), false);
  assert.equal(s.seq, 42);
});
