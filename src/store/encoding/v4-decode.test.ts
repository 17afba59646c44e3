import assert from 'node:assert/strict';
import { test } from 'node:test';
import { swap32 } from './addr-words.js';
import { ByteReader, ByteWriter } from './byte-io.js';
import { IntEncoder } from './int-encode.js';
import { INT_DELTA, SHUFFLED } from './int-format.js';
import { decodeV4Words } from './v4-decode.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * n ascending IPv4 values whose steps are below `step` (a dictionary's entries): spread enough
 * that the writer picks deltas over a frame of reference.
 */
function ascending(n: number, step: number, seed: number, from = 0): number[] {
  const next = rng(seed);
  const out: number[] = [];
  let v = from + Math.floor(next() * 1000);
  for (let i = 0; i < n; i++) {
    out.push(v);
    v += 1 + Math.floor(next() * (step - 1));
  }
  return out;
}

/**
 * Encodes `values` as the writer does a dictionary's IPv4 entries (deltas as byte planes),
 * decodes them into every `stride`-th word from `start` and checks each word against the
 * value byte-swapped, and that the words between are untouched.
 */
function check(values: number[], width: number, stride: number, start: number): void {
  const ints = new IntEncoder();
  ints.shuffleDeltas = true;
  const w = new ByteWriter(16);
  // One byte first: the planes then start at an odd offset, as they can in a block.
  w.u8(0);
  ints.encode(Float64Array.from(values), values.length, w, true);
  const bytes = w.view8().slice();
  assert.equal(bytes[1], INT_DELTA);
  assert.equal(bytes[2], width | SHUFFLED, `byte planes of ${width} bytes`);
  const r = new ByteReader(bytes);
  r.u8();
  const n = values.length;
  const dst = new Uint32Array(start + n * stride + 3).fill(0xdeadbeef);
  decodeV4Words(r, dst, start, stride, n);
  r.done();
  for (let k = 0; k < n; k++) assert.equal(dst[start + k * stride], swap32(values[k]!), `value ${k} of ${n}`);
  let untouched = 0;
  dst.forEach((v, i) => {
    if (i < start || (i - start) % stride !== 0 || i >= start + n * stride)
      untouched += v === 0xdeadbeef ? 0 : 1;
  });
  assert.equal(untouched, 0);
}

test('IPv4 deltas in 2-byte planes decode to the values, for every count modulo 4 and stride', () => {
  for (const n of [61, 62, 63, 64, 4096]) {
    for (const [stride, start] of [
      [1, 0],
      [4, 3],
    ] as const) {
      check(ascending(n, 30_000, n), 2, stride, start);
    }
  }
});

test('IPv4 deltas in 4-byte planes decode to the values, in the top half of the address space too', () => {
  for (const n of [1001, 1002, 1003, 1004, 4096]) {
    for (const [stride, start] of [
      [1, 0],
      [4, 3],
    ] as const) {
      // From 2^31 up (below 2^31 + 4096 * 500 000 < 2^32): the running sum, a signed 32-bit
      // number, is negative for all of them.
      check(ascending(n, 500_000, n + 1, 2 ** 31), 4, stride, start);
    }
  }
});
