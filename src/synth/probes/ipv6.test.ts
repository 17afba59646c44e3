import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv6Bytes, ipv6Text } from './ipv6.js';

/**
 * The WHATWG URL serializer writes RFC 5952 text (longest zero run of two or more groups as `::`,
 * the first on a tie, lowercase), which is glibc's inet_ntop except for its embedded-IPv4 forms:
 * the oracle for every address that has none.
 */
test('ipv6Text equals the URL serializer on random addresses, and ipv6Bytes inverts it', () => {
  let s = 12345;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  for (let i = 0; i < 5000; i++) {
    const bytes = new Uint8Array(16);
    // Mostly zero groups, so that runs and ties are common.
    for (let g = 0; g < 8; g++) if (rand(3) === 0) bytes.set([rand(256), rand(256)], g * 2);
    const words = [...Array(8).keys()].map((g) => ((bytes[g * 2]! << 8) | bytes[g * 2 + 1]!).toString(16));
    // Where glibc may write an embedded IPv4 address (the explicit test below covers those).
    const embedded = words.slice(0, 5).every((w) => w === '0') && (words[5] === '0' || words[5] === 'ffff');
    const text = ipv6Text(bytes);
    if (!embedded)
      assert.equal(text, new URL(`http://[${words.join(':')}]`).hostname.slice(1, -1), words.join(':'));
    assert.deepEqual(ipv6Bytes(text), bytes, text);
  }
});

test("glibc's embedded IPv4 forms (and dig's): ::a.b.c.d and ::ffff:a.b.c.d", () => {
  assert.equal(ipv6Text(ipv6Bytes('::ffff:192.0.2.44')!), '::ffff:192.0.2.44');
  assert.equal(ipv6Text(ipv6Bytes('::192.0.2.44')!), '::192.0.2.44');
  // ::1 and ::2 have a run of seven zero groups, not six: plain hex.
  assert.equal(ipv6Text(ipv6Bytes('::1')!), '::1');
  assert.equal(ipv6Text(ipv6Bytes('::')!), '::');
  assert.equal(ipv6Text(ipv6Bytes('1::')!), '1::');
  assert.equal(ipv6Bytes('1.2.3.4'), undefined);
});
