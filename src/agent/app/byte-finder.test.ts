import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededUniform } from '../../ingest/export/random.js';
import { ByteFinder } from './byte-finder.js';

/** The reference: a plain byte loop. */
function naive(buf: Uint8Array, o: number, end: number, byte: number): number {
  while (o < end && buf[o] !== byte) o++;
  return o;
}

test('finds the first byte of a range as a byte loop does, in buffers at any offset of their memory', () => {
  const next = seededUniform(6);
  const finder = new ByteFinder();
  const backing = new Uint8Array(4096);
  for (let round = 0; round < 400; round++) {
    // Sparse, dense and absent targets; bytes next to the target's value (borrows of the bit trick).
    const byte = [0x0a, 0x3a, 0x00, 0xff, 0x80][round % 5]!;
    const density = [0, 0.01, 0.2, 0.9][round % 4]!;
    for (let i = 0; i < backing.length; i++) {
      const r = next();
      backing[i] =
        r < density ? byte : [byte - 1, byte + 1, 0x01, 0x7f, 0x81][Math.floor(next() * 5)]! & 0xff;
    }
    const start = Math.floor(next() * 64);
    const buf = backing.subarray(start, start + 1024 + Math.floor(next() * 2048));
    for (let q = 0; q < 20; q++) {
      const o = Math.floor(next() * buf.length);
      const end = Math.min(buf.length, o + Math.floor(next() * 200));
      assert.equal(finder.find(buf, o, end, byte), naive(buf, o, end, byte), `round ${round} [${o}, ${end})`);
    }
  }
});

test('a new buffer gets its own view (the cached one is not reused for it)', () => {
  const finder = new ByteFinder();
  const a = Buffer.from('aaaaaaaa\nbbbbbbbb');
  const b = Buffer.from('cccccccccccccc\ncc');
  assert.equal(finder.find(a, 0, a.length, 0x0a), 8);
  assert.equal(finder.find(b, 0, b.length, 0x0a), 14);
  assert.equal(finder.find(a, 9, a.length, 0x0a), a.length);
  assert.equal(finder.find(b, 2, 10, 0x0a), 10);
});
