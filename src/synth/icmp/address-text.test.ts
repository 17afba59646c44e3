import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressText } from './address-text.js';

/** The WHATWG URL parser's canonical IPv6 host (RFC 5952 compression, lower case): the oracle. */
const canonical = (words: number[]) =>
  new URL(`http://[${words.map((w) => w.toString(16)).join(':')}]/`).hostname.slice(1, -1);

test('IPv6 bytes print as the URL parser prints the same address; IPv4 as a dotted quad', () => {
  const fixed = [
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 1],
    [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1],
    [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],
    [0xfe80, 0, 0, 0, 0xabcd, 0, 0, 0],
    [1, 0, 2, 0, 3, 0, 4, 0],
  ];
  const random = Array.from({ length: 500 }, () =>
    Array.from({ length: 8 }, () => (Math.random() < 0.5 ? 0 : Math.floor(Math.random() * 0x10000))),
  );
  for (const words of [...fixed, ...random]) {
    const bytes = Buffer.alloc(20);
    for (let i = 0; i < 8; i++) bytes.writeUInt16BE(words[i]!, 4 + 2 * i);
    assert.equal(addressText(bytes, 4, 6), canonical(words), words.join(','));
  }
  assert.equal(addressText(Uint8Array.from([9, 192, 0, 2, 255]), 1, 4), '192.0.2.255');
});
