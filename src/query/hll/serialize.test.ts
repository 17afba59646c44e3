import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeHll, HllFormatError, serializeHll } from './serialize.js';
import { HyperLogLog } from './sketch.js';

function sketchOf(count: number, precision: number): HyperLogLog {
  const sketch = new HyperLogLog(precision);
  for (let i = 0; i < count; i++) sketch.addNumber(i * 2654435761);
  return sketch;
}

function assertRefused(bytes: Uint8Array, label: string): void {
  assert.throws(() => deserializeHll(bytes), HllFormatError, label);
}

const samples = [
  sketchOf(0, 14),
  sketchOf(10, 14),
  sketchOf(4000, 14),
  sketchOf(50_000, 14),
  sketchOf(3, 4),
  sketchOf(1_000, 4),
  sketchOf(300_000, 18),
];

test('round trip keeps representation, registers and estimate', () => {
  for (const sketch of samples) {
    const bytes = serializeHll(sketch);
    const copy = deserializeHll(bytes);
    assert.equal(copy.precision, sketch.precision);
    assert.equal(copy.isSparse, sketch.isSparse);
    assert.equal(copy.estimate(), sketch.estimate());
    assert.deepEqual(serializeHll(copy), bytes);
    assert.deepEqual(copy.denseRegisters(), sketch.denseRegisters());
  }
  assert.equal(serializeHll(sketchOf(10, 14)).length, 3 + 4 + 10 * 4 + 4);
  assert.equal(serializeHll(sketchOf(50_000, 14)).length, 3 + 16384 + 4);
});

test('deserialized sketches keep working (add, merge) and accept a sub-array view', () => {
  const bytes = serializeHll(sketchOf(20_000, 14));
  const framed = new Uint8Array(bytes.length + 10);
  framed.set(bytes, 5);
  const copy = deserializeHll(framed.subarray(5, 5 + bytes.length));
  copy.merge(sketchOf(100, 14));
  copy.addNumber(-1);
  assert.ok(Math.abs(copy.estimate() / 20_001 - 1) < 0.03);
});

test('every truncation and every extension is refused', () => {
  for (const sketch of samples.slice(0, 5)) {
    const bytes = serializeHll(sketch);
    for (let length = 0; length < bytes.length; length++)
      assertRefused(bytes.subarray(0, length), `${length}`);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assertRefused(longer, 'extended');
  }
});

test('single-bit flips are refused (every bit of small sketches, 400 random bits of large ones)', () => {
  let state = 99;
  for (const sketch of [samples[1]!, samples[2]!, samples[3]!, samples[4]!, samples[5]!]) {
    const bytes = serializeHll(sketch);
    const positions = bytes.length <= 200 ? bytes.length * 8 : 400;
    for (let n = 0; n < positions; n++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const position = bytes.length <= 200 ? n : state % (bytes.length * 8);
      const i = position >>> 3;
      const bit = position & 7;
      const corrupt = bytes.slice();
      corrupt[i] ^= 1 << bit;
      assertRefused(corrupt, `byte ${i} bit ${bit}`);
    }
  }
});

test('random bytes, forged headers and non-byte inputs are refused with HllFormatError only', () => {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  for (let i = 0; i < 20_000; i++) {
    const bytes = new Uint8Array(random() * (i % 3 === 0 ? 80 : 1));
    for (let j = 0; j < bytes.length; j++) bytes[j] = random();
    if (i % 2 === 0 && bytes.length >= 3) {
      bytes[0] = 1;
      bytes[1] = 4 + (random() % 15);
      bytes[2] = 1 + (random() & 1);
    }
    assertRefused(bytes, `random input ${i}`);
  }
  const huge = new Uint8Array(11);
  huge.set([1, 14, 1, 0xff, 0xff, 0xff, 0xff]);
  assertRefused(huge, 'absurd sparse count');
  for (const input of [null, undefined, 'abc', [1, 14, 2], new Uint16Array(8), {}]) {
    assert.throws(() => deserializeHll(input as unknown as Uint8Array), HllFormatError);
  }
});
