import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextBuffer } from './text-buffer.js';

function ipv6(bytes: Uint8Array): string {
  const t = new TextBuffer(64);
  t.ipv6(bytes, 0);
  return t.take();
}

test("IPv6 text equals the WHATWG URL parser's (RFC 5952: longest zero run as ::, lower case)", () => {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < 5000; i++) {
    const bytes = new Uint8Array(16);
    for (let w = 0; w < 8; w++) {
      // Mostly zero words, so that runs of every length and position occur.
      const v = next() < 0.5 ? 0 : Math.floor(next() * 0x10000) >> (next() < 0.5 ? 8 : 0);
      bytes[2 * w] = v >> 8;
      bytes[2 * w + 1] = v & 0xff;
    }
    const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    if (mapped) continue;
    const full = Array.from({ length: 8 }, (_, w) =>
      ((bytes[2 * w]! << 8) | bytes[2 * w + 1]!).toString(16),
    ).join(':');
    const url = new URL(`http://[${full}]/`).hostname.slice(1, -1);
    assert.equal(ipv6(bytes), url, full);
  }
});

test('an IPv4-mapped IPv6 address ends in dotted decimal (RFC 5952 section 5)', () => {
  const bytes = new Uint8Array(16);
  bytes.set([0xff, 0xff, 192, 0, 2, 44], 10);
  assert.equal(ipv6(bytes), '::ffff:192.0.2.44');
});

test('text past the limit is dropped, and the kept text ends in "..."', () => {
  const t = new TextBuffer(8);
  t.ascii('12345678');
  assert.equal(t.take(), '12345678', 'exactly the limit: nothing cut');
  t.reset();
  t.ascii('123456789');
  assert.equal(t.take(), '12345...');
});

test('decimal numbers and \\DDD escapes', () => {
  const t = new TextBuffer(64);
  for (const n of [0, 7, 10, 65535, 4294967295]) {
    t.decimal(n);
    t.byte(32);
  }
  t.escapedByte(0);
  t.escapedByte(255);
  assert.equal(t.take(), '0 7 10 65535 4294967295 \\000\\255');
});
