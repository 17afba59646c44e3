import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import { formatAddr, formatMac, parseAddr, readMac } from './addr.js';

// Node's own URL parser canonicalises IPv6 per RFC 5952 (lowercase, longest zero run compressed):
// an independent oracle for formatAddr.
function canonical6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

test('IPv4 round-trips through the mapped form', () => {
  for (const a of ['0.0.0.1', '10.0.0.1', '192.168.255.254', '255.255.255.255']) {
    const b = parseAddr(a);
    assert.equal(b[10], 0xff);
    assert.equal(formatAddr(b, 0), a);
  }
});

test('IPv6 formats canonically', () => {
  const cases = [
    '2001:db8::1',
    '::1',
    'fe80::1:2:3:4',
    '2001:db8:0:0:1:0:0:1',
    '1:0:0:2:0:0:0:3',
    '2001:DB8::ABCD',
    '::',
  ];
  for (const a of cases) {
    assert.equal(isIP(a), 6);
    assert.equal(formatAddr(parseAddr(a), 0), canonical6(a), a);
  }
});

test('malformed addresses are refused', () => {
  for (const bad of ['1.2.3.256', '1::2::3', '12345::', 'x', '1:2:3:4:5:6:7:8:9']) {
    assert.throws(() => parseAddr(bad), /bad IPv/);
  }
});

test('MAC addresses are exact in a double', () => {
  const bytes = Uint8Array.from([0xff, 0xfe, 0x01, 0x80, 0x00, 0x7f]);
  const v = readMac(bytes, 0);
  assert.equal(v, 0xfffe0180007f);
  assert.equal(formatMac(v), 'ff:fe:01:80:00:7f');
});
