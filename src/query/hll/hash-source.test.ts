import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hashAddress,
  hashAddressHigh,
  hashAddressHighSource,
  hashAddressWords,
  MAPPED_WORD,
  newHash64,
} from './hash64.js';

test('the generated source of the address hash and hashAddressHigh compute hashAddressWords high word', () => {
  const high = new Function(
    'w0',
    'w1',
    'w2',
    'w3',
    `${hashAddressHighSource(['w0', 'w1', 'w2', 'w3'], 'a', 'k')} return a;`,
  ) as (...w: number[]) => number;
  const out = newHash64();
  let x = 0x12345678;
  for (let i = 0; i < 10_000; i++) {
    const w: number[] = [];
    for (let j = 0; j < 4; j++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      w.push(i % 3 === 0 ? x & 0xff : x);
    }
    // Every third address IPv4-mapped (::ffff:a.b.c.d): the shortcut from the constant words.
    if (i % 3 === 1) w.splice(0, 3, 0, 0, MAPPED_WORD);
    hashAddressWords(w[0]!, w[1]!, w[2]!, w[3]!, out);
    assert.equal(high(...w), out[0]);
    assert.equal(hashAddressHigh(w[0]!, w[1]!, w[2]!, w[3]!), out[0]);
  }
});

test('hashAddress reads the bytes as little-endian words', () => {
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3);
  const view = new DataView(bytes.buffer);
  const words = [0, 4, 8, 12].map((o) => view.getInt32(o, true));
  const a = newHash64();
  const b = newHash64();
  hashAddress(bytes, 0, a);
  hashAddressWords(words[0]!, words[1]!, words[2]!, words[3]!, b);
  assert.deepEqual([...a], [...b]);
});
