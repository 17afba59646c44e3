import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitsFor, type PackedOutput, packBits, packedWords, unpack, unpackMarks } from './bitpack.js';
import { DecodeError } from './byte-io.js';

/** A seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
}

/** The reference: bit i * bits + k of the stream is bit k of value i, read one bit at a time. */
function referenceBits(words: Uint32Array, n: number, bits: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < bits; k++) {
      const bit = i * bits + k;
      if ((words[bit >>> 5]! >>> (bit & 31)) & 1) v += 2 ** k;
    }
    out.push(v);
  }
  return out;
}

test('packing lays values out least significant bit first, in whole groups of 32', () => {
  const next = rng(7);
  for (let bits = 1; bits <= 32; bits++) {
    for (const n of [0, 1, 31, 32, 33, 95, 100]) {
      const values = new Uint32Array(n).map(() => (bits === 32 ? next() : next() % 2 ** bits));
      const words = new Uint32Array(packedWords(n, bits));
      packBits(values, n, bits, words);
      assert.equal(words.length, Math.ceil(n / 32) * bits);
      assert.deepEqual(referenceBits(words, n, bits), Array.from(values), `bits ${bits} n ${n}`);
    }
  }
});

test('every unpack operation, width and output type matches the reference', () => {
  const next = rng(11);
  const outputs: (new (n: number) => PackedOutput)[] = [Float64Array, Uint32Array, Uint16Array, Uint8Array];
  for (let bits = 1; bits <= 32; bits++) {
    const n = 32 * 3 + (bits % 32); // full groups and a partial one
    const values = new Uint32Array(n).map(() => (bits === 32 ? next() : next() % 2 ** bits));
    const words = new Uint32Array(packedWords(n, bits));
    packBits(values, n, bits, words);
    const raw = referenceBits(words, n, bits);
    for (const Out of outputs) {
      const max = Out === Uint8Array ? 0xff : Out === Uint16Array ? 0xffff : 0xffffffff;
      // copy (u32 only), base added, zigzag deltas, plain deltas, dictionary lookups
      if (Out === Uint32Array) {
        const copy = new Out(n);
        unpack('copy', bits, words, copy);
        assert.deepEqual(Array.from(copy), raw);
      }
      const base = Out === Float64Array ? 2 ** 40 : 0;
      const withBase = new Out(n);
      unpack('for', bits, words, withBase, base);
      assert.deepEqual(
        Array.from(withBase),
        raw.map((v) => (Out === Float64Array ? base + v : v % (max + 1))),
        `for ${bits} ${Out.name}`,
      );
      const first = 1000;
      const zig = new Out(n);
      unpack('delta', bits, words, zig, first);
      const sums = new Out(n);
      unpack('sum', bits, words, sums, first);
      let acc = first;
      let plain = first;
      for (let i = 0; i < n; i++) {
        const z = raw[i]!;
        acc += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        plain += z;
        if (Out === Float64Array) {
          assert.equal(zig[i], acc, `delta ${bits} row ${i}`);
          assert.equal(sums[i], plain, `sum ${bits} row ${i}`);
        }
      }
      if (bits <= 16) {
        const dict = new Out(2 ** bits);
        for (let k = 0; k < dict.length; k++) dict[k] = (k * 2654435761) % (max + 1);
        const looked = new Out(n);
        unpack('dict', bits, words, looked, dict);
        assert.deepEqual(
          Array.from(looked),
          raw.map((k) => dict[k]),
        );
      }
    }
  }
});

test('bitsFor, and payloads that are too short or widths out of range are errors', () => {
  assert.deepEqual([0, 1, 2, 3, 255, 256, 2 ** 32 - 1].map(bitsFor), [1, 1, 2, 2, 8, 9, 32]);
  assert.throws(() => unpack('copy', 5, new Uint32Array(4), new Uint32Array(33)), DecodeError);
  assert.throws(() => unpack('copy', 0, new Uint32Array(4), new Uint32Array(1)), DecodeError);
  assert.throws(() => unpack('copy', 33, new Uint32Array(40), new Uint32Array(1)), DecodeError);
});

test('unpackMarks marks exactly the entries base + v of the n values and returns the largest', () => {
  const next = rng(11);
  for (const bits of [1, 5, 13, 17, 32]) {
    // Counts around whole groups: the last group's padding (zeroes) must mark nothing.
    for (const n of [0, 1, 31, 32, 33, 64 * 32 + 7]) {
      const limit = bits === 32 ? 2 ** 20 : Math.min(2 ** bits, 2 ** 20);
      const values = Uint32Array.from({ length: n }, () => next() % limit);
      const words = new Uint32Array(packedWords(n, bits) + 1);
      packBits(values, n, bits, words);
      const base = 3;
      const size = limit + base;
      const marks = new Uint8Array(size);
      const max = unpackMarks(bits, words, n, marks, base);
      // Oracle: the set of base + value, by a plain loop over the values.
      const expected = new Uint8Array(size);
      let expectedMax = 0;
      for (const v of values) {
        expected[v + base] = 1;
        expectedMax = Math.max(expectedMax, v + base);
      }
      assert.deepEqual(marks, expected, `${bits} bits, ${n} values`);
      assert.equal(max, expectedMax, `${bits} bits, ${n} values`);
    }
  }
  assert.throws(() => unpackMarks(8, new Uint32Array(1), 64, new Uint8Array(256), 0), DecodeError);
});
