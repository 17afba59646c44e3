import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xxh32 } from './xxh32.js';

/**
 * XXH32 (seed 0) written straight from the specification (xxHash's doc/xxhash_spec.md): bytes
 * read one at a time, lanes in an array, BigInt-free but sharing nothing with the word-wise
 * implementation under test.
 */
function reference(bytes: Uint8Array): number {
  const P1 = 2654435761;
  const P2 = 2246822519;
  const P3 = 3266489917;
  const P4 = 668265263;
  const P5 = 374761393;
  const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  const u32 = (at: number) =>
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const len = bytes.length;
  let at = 0;
  let acc: number;
  if (len >= 16) {
    const lanes = [(P1 + P2) >>> 0, P2, 0, (0 - P1) >>> 0];
    while (at + 16 <= len) {
      for (let k = 0; k < 4; k++) {
        lanes[k] = mul(rotl((lanes[k]! + mul(u32(at), P2)) >>> 0, 13), P1);
        at += 4;
      }
    }
    acc = (rotl(lanes[0]!, 1) + rotl(lanes[1]!, 7) + rotl(lanes[2]!, 12) + rotl(lanes[3]!, 18)) >>> 0;
  } else {
    acc = P5;
  }
  acc = (acc + len) >>> 0;
  while (at + 4 <= len) {
    acc = mul(rotl((acc + mul(u32(at), P3)) >>> 0, 17), P4);
    at += 4;
  }
  while (at < len) {
    acc = mul(rotl((acc + mul(bytes[at]!, P5)) >>> 0, 11), P1);
    at++;
  }
  acc = mul((acc ^ (acc >>> 15)) >>> 0, P2);
  acc = mul((acc ^ (acc >>> 13)) >>> 0, P3);
  return (acc ^ (acc >>> 16)) >>> 0;
}

test('xxh32 matches the published test vectors', () => {
  // From xxHash's documentation and python-xxhash's README.
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(xxh32(text('')), 0x02cc5d05);
  assert.equal(xxh32(text('a')), 0x550d7456);
  assert.equal(xxh32(text('abc')), 0x32d153ff);
  assert.equal(xxh32(text('Nobody inspects the spammish repetition')), 0xe2293b2f);
  assert.equal(reference(text('Nobody inspects the spammish repetition')), 0xe2293b2f);
});

test('xxh32 equals the byte-wise reference for every length to 100, random data, any alignment', () => {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 24;
  };
  const pool = new Uint8Array(4096);
  for (let i = 0; i < pool.length; i++) pool[i] = next();
  for (let len = 0; len <= 100; len++) {
    for (let offset = 0; offset < 4; offset++) {
      const bytes = pool.subarray(offset * 7 + len, offset * 7 + len + len);
      assert.equal(xxh32(bytes), reference(bytes), `length ${len}, offset ${offset}`);
    }
  }
  for (const len of [1000, 1001, 1002, 1003, 4000]) {
    assert.equal(xxh32(pool.subarray(3, 3 + len)), reference(pool.subarray(3, 3 + len)));
  }
});

test('changing any one byte of a block changes its checksum', () => {
  const bytes = new Uint8Array(67);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
  const base = xxh32(bytes);
  for (let i = 0; i < bytes.length; i++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      bytes[i]! ^= mask;
      assert.notEqual(xxh32(bytes), base, `byte ${i} ^ ${mask}`);
      bytes[i]! ^= mask;
    }
  }
});
