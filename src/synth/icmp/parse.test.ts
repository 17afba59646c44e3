import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buf,
  echo,
  icmpError,
  ipv4,
  ipv6,
  u32,
  udp,
  v4Bytes,
  v6Bytes,
} from '../../../test/helpers/icmp-craft.js';
import { IcmpMessage, MessageKind, parseIcmp4, parseIcmp6 } from './parse.js';

const token = [...u32(0xcafef00d), 0, 0, 0, 0, 0, 0, 0, 1];

test('IPv4 echo reply: id, sequence, token and the TTL of the answer', () => {
  const m = new IcmpMessage();
  const b = buf(ipv4(1, '203.0.113.2', '192.0.2.2', 61, echo(0, 0x4242, 17, token)));
  assert.equal(parseIcmp4(b, b.length, m), true);
  assert.equal(m.kind, MessageKind.echoReply);
  assert.deepEqual([m.id, m.seq, m.hasToken, m.token, m.ttl], [0x4242, 17, true, 0xcafef00d, 61]);
});

test('IPv4 time exceeded quoting a UDP probe: ports and quoted destination', () => {
  const m = new IcmpMessage();
  const probe = ipv4(17, '192.0.2.2', '203.0.113.2', 1, udp(40000, 33437, new Array(32).fill(0)));
  const b = buf(ipv4(1, '192.0.2.1', '192.0.2.2', 64, icmpError(11, 0, probe)));
  assert.equal(parseIcmp4(b, b.length, m), true);
  assert.equal(m.kind, MessageKind.errorUdp);
  assert.deepEqual([m.timeExceeded, m.srcPort, m.dstPort, m.code], [true, 40000, 33437, 0]);
  assert.deepEqual([...b.subarray(m.quotedDst, m.quotedDst + 4)], v4Bytes('203.0.113.2'));
});

test('IPv4 port unreachable quoting only the first 8 bytes of UDP (RFC 792 minimum) still matches', () => {
  const m = new IcmpMessage();
  const probe = ipv4(17, '192.0.2.2', '203.0.113.2', 1, udp(40000, 33434, new Array(32).fill(0))).slice(
    0,
    28,
  );
  const b = buf(ipv4(1, '203.0.113.2', '192.0.2.2', 64, icmpError(3, 3, probe)));
  assert.equal(parseIcmp4(b, b.length, m), true);
  assert.deepEqual([m.kind, m.timeExceeded, m.code, m.dstPort], [MessageKind.errorUdp, false, 3, 33434]);
  // One byte less and the ports are no longer all there.
  assert.equal(parseIcmp4(b, b.length - 1, m), false);
});

test('IPv4 time exceeded quoting an echo request: quoted id, sequence, and token only when quoted', () => {
  const m = new IcmpMessage();
  const request = ipv4(1, '192.0.2.2', '203.0.113.2', 1, echo(8, 0x4242, 99, token));
  const full = buf(ipv4(1, '198.51.100.2', '192.0.2.2', 63, icmpError(11, 0, request)));
  assert.equal(parseIcmp4(full, full.length, m), true);
  assert.deepEqual(
    [m.kind, m.id, m.seq, m.hasToken, m.token],
    [MessageKind.errorEcho, 0x4242, 99, true, 0xcafef00d],
  );
  const cut = buf(ipv4(1, '198.51.100.2', '192.0.2.2', 63, icmpError(11, 0, request.slice(0, 28))));
  assert.equal(parseIcmp4(cut, cut.length, m), true);
  assert.deepEqual([m.id, m.seq, m.hasToken], [0x4242, 99, false]);
});

test('IPv4: what is not ours is refused (echo requests, other types, other protocols, truncation)', () => {
  const m = new IcmpMessage();
  const refused = [
    ipv4(1, '192.0.2.2', '192.0.2.1', 64, echo(8, 1, 1, token)), // our own request, looped back
    ipv4(1, '192.0.2.1', '192.0.2.2', 64, echo(13, 1, 1, token)), // timestamp
    ipv4(6, '192.0.2.1', '192.0.2.2', 64, echo(0, 1, 1, token)), // not ICMP at all
    ipv4(
      1,
      '192.0.2.1',
      '192.0.2.2',
      64,
      icmpError(11, 0, ipv4(6, '192.0.2.2', '203.0.113.2', 1, new Array(20).fill(0))),
    ), // quotes TCP
    ipv4(
      1,
      '192.0.2.1',
      '192.0.2.2',
      64,
      icmpError(11, 0, ipv4(1, '192.0.2.2', '203.0.113.2', 1, echo(0, 1, 1, []))),
    ), // quotes a reply
    ipv4(1, '192.0.2.1', '192.0.2.2', 64, icmpError(11, 0, [0x45, 0, 0])), // quote too short
  ];
  for (const bytes of refused)
    assert.equal(parseIcmp4(buf(bytes), bytes.length, m), false, JSON.stringify(bytes.slice(20, 22)));
  const reply = buf(ipv4(1, '192.0.2.1', '192.0.2.2', 64, echo(0, 1, 1, token)));
  for (let len = 0; len < 28; len++) assert.equal(parseIcmp4(reply, len, m), false, `length ${len}`);
});

test('ICMPv6 echo reply (no IP header on a raw ICMPv6 socket, so no hop limit)', () => {
  const m = new IcmpMessage();
  const b = buf(echo(129, 0x4242, 65535, token, false));
  assert.equal(parseIcmp6(b, b.length, m), true);
  assert.deepEqual(
    [m.kind, m.id, m.seq, m.token, m.ttl],
    [MessageKind.echoReply, 0x4242, 65535, 0xcafef00d, -1],
  );
});

test('ICMPv6 time exceeded quoting UDP and port unreachable (code 4) quoting an echo request', () => {
  const m = new IcmpMessage();
  const probe = ipv6(17, '2001:db8:1::2', '2001:db8:3::2', 1, udp(50000, 33440, new Array(32).fill(0)));
  const b = buf(icmpError(3, 0, probe));
  assert.equal(parseIcmp6(b, b.length, m), true);
  assert.deepEqual(
    [m.kind, m.timeExceeded, m.srcPort, m.dstPort],
    [MessageKind.errorUdp, true, 50000, 33440],
  );
  assert.deepEqual([...b.subarray(m.quotedDst, m.quotedDst + 16)], v6Bytes('2001:db8:3::2'));
  const request = ipv6(58, '2001:db8:1::2', '2001:db8:3::2', 2, echo(128, 7, 8, token, false));
  const u = buf(icmpError(1, 4, request));
  assert.equal(parseIcmp6(u, u.length, m), true);
  assert.deepEqual(
    [m.kind, m.timeExceeded, m.code, m.id, m.seq, m.token],
    [MessageKind.errorEcho, false, 4, 7, 8, 0xcafef00d],
  );
});

test('ICMPv6: other types (neighbour discovery, requests) and truncated quotes are refused', () => {
  const m = new IcmpMessage();
  for (const bytes of [
    [135, 0, 0, 0, 0, 0, 0, 0, ...v6Bytes('2001:db8:1::1')], // neighbour solicitation
    echo(128, 1, 1, token, false),
    icmpError(3, 0, ipv6(17, '2001:db8:1::2', '2001:db8:3::2', 1, udp(1, 2, [])).slice(0, 47)),
    icmpError(3, 0, ipv6(6, '2001:db8:1::2', '2001:db8:3::2', 1, new Array(20).fill(0))),
  ])
    assert.equal(parseIcmp6(buf(bytes), bytes.length, m), false);
});

test('random bytes never throw, whatever the claimed length', () => {
  const m = new IcmpMessage();
  for (let n = 0; n < 5000; n++) {
    const b = Buffer.alloc(Math.floor(Math.random() * 120));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(Math.random() * 256);
    if (n % 2 === 0 && b.length > 0) b[0] = 0x45;
    if (n % 3 === 0 && b.length > 9) b[9] = 1;
    const len = Math.floor(Math.random() * (b.length + 10));
    parseIcmp4(b, len, m);
    parseIcmp6(b, len, m);
  }
});
