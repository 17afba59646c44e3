import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberArray } from '../../flow/batch.js';
import { ByteReader, ByteWriter, DecodeError } from './byte-io.js';
import { crc32c } from './crc32c.js';
import { decodeInts } from './int-decode.js';
import { IntEncoder } from './int-encode.js';
import { intKindNames } from './int-format.js';

const encoder = new IntEncoder();

function roundTrip(values: number[], out: NumberArray): { kind: string; bytes: number } {
  const w = new ByteWriter(16);
  const info = encoder.encode(Float64Array.from(values), values.length, w);
  decodeInts(new ByteReader(w.view8().slice()), out);
  assert.deepEqual(Array.from(out), values, `kind ${intKindNames[info.kind]}`);
  return { kind: intKindNames[info.kind], bytes: w.length };
}

const f64 = (n: number) => new Float64Array(n);

test('crc32c matches the standard check value', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  const long = new Uint8Array(1000).map((_, i) => i * 7);
  assert.equal(crc32c(long), crc32c(long.subarray(500), 0, 500, crc32c(long, 0, 500)));
});

test('empty, one row and all-equal blocks are constants of a few bytes', () => {
  assert.equal(roundTrip([], f64(0)).kind, 'const');
  assert.equal(roundTrip([7], f64(1)).kind, 'const');
  const zeros = roundTrip(new Array(100_000).fill(0), new Uint32Array(100_000));
  assert.deepEqual(zeros, { kind: 'const', bytes: 9 });
  assert.equal(roundTrip(new Array(1000).fill(65535), new Uint16Array(1000)).kind, 'const');
});

test('counters use frame of reference narrowed to the range', () => {
  const values = Array.from({ length: 1000 }, (_, i) => 1_000_000 + ((i * 7919) % 200));
  const r = roundTrip(values, f64(1000));
  assert.equal(r.kind, 'for');
  assert.ok(r.bytes < 1100, `${r.bytes} bytes`);
});

test('u64 values up to 2^53 - 1 round-trip exactly', () => {
  const max = Number.MAX_SAFE_INTEGER;
  roundTrip([0, max, 1, max - 1, 2 ** 32, 2 ** 32 - 1], f64(6));
  roundTrip([max, max - 5, max - 3], f64(3));
  const wide = Array.from({ length: 500 }, (_, i) => (i % 2 ? max : 0) - (i % 7));
  roundTrip(
    wide.map((v) => Math.max(0, v)),
    f64(500),
  );
});

test('sorted times use delta encoding', () => {
  const base = Date.UTC(2026, 0, 1);
  const values = Array.from({ length: 5000 }, (_, i) => base + i * 3 + (i % 5));
  assert.equal(roundTrip(values, f64(5000)).kind, 'delta');
  const down = values.slice().reverse();
  assert.equal(roundTrip(down, f64(5000)).kind, 'delta');
});

test('deltas wider than a narrow column still decode (u8 0 → 255 → 0)', () => {
  const values = Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0));
  roundTrip(values, new Uint8Array(64));
  roundTrip(
    Array.from({ length: 64 }, (_, i) => (i % 2 ? 65535 : 0)),
    new Uint16Array(64),
  );
});

test('low-cardinality wide values use a dictionary', () => {
  const ases = [15169, 4200000000, 13335, 64512, 3356];
  const values = Array.from({ length: 10_000 }, (_, i) => ases[(i * i) % 5]!);
  const r = roundTrip(values, new Uint32Array(10_000));
  assert.equal(r.kind, 'dict');
  assert.ok(r.bytes < 10_200);
  const big = Array.from({ length: 10_000 }, (_, i) => [2 ** 40, 2 ** 52, 7][i % 3]!);
  assert.equal(roundTrip(big, f64(10_000)).kind, 'dict');
});

test('fractions, negatives and huge values fall back to raw doubles or a signed base', () => {
  assert.equal(roundTrip([0.5, 1, 2], f64(3)).kind, 'raw');
  assert.equal(roundTrip([2 ** 60, 1, 2], f64(3)).kind, 'raw');
  assert.equal(roundTrip([-5, 3, 100], f64(3)).kind, 'for');
});

test('random data round-trips in every output type', () => {
  let seed = 1;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (const [make, max] of [
    [(n: number) => new Uint8Array(n), 0xff],
    [(n: number) => new Uint16Array(n), 0xffff],
    [(n: number) => new Uint32Array(n), 0xffffffff],
    [(n: number) => new Float64Array(n), Number.MAX_SAFE_INTEGER],
  ] as const) {
    for (const n of [1, 2, 3, 100, 4097]) {
      for (const spread of [1, 300, 70_000, 2 ** 33]) {
        const values = Array.from({ length: n }, () => Math.min(max, (rnd() % spread) + (rnd() % 3) * 1000));
        roundTrip(values, make(n));
      }
    }
  }
});

test('byte-plane (shuffled) payloads round-trip for every encoding and width', () => {
  const shuffled = new IntEncoder();
  shuffled.shuffle = true;
  const cases: number[][] = [
    Array.from({ length: 1001 }, (_, i) => 1_700_000_000_000 + ((i * 7919) % 90_000)), // for, u32
    Array.from({ length: 1001 }, (_, i) => 5000 + ((i * 31) % 60_000)), // for, u16
    Array.from({ length: 1001 }, (_, i) => 1_700_000_000_000 + i * 300 + (i % 7)), // delta
    Array.from({ length: 4000 }, (_, i) => [2 ** 40, 1500 * 1000, 64 * 4096][i % 3]! + (i % 134) * 1000), // dict, u16 indexes
  ];
  for (const values of cases) {
    const w = new ByteWriter(16);
    shuffled.encode(Float64Array.from(values), values.length, w);
    const out = new Float64Array(values.length);
    decodeInts(new ByteReader(w.view8().slice()), out);
    assert.deepEqual(Array.from(out), values);
  }
});

test('garbage input throws DecodeError, never hangs', () => {
  let seed = 7;
  for (let t = 0; t < 2000; t++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const bytes = new Uint8Array(seed % 64).map((_, i) => (seed >>> (i % 24)) & 0xff);
    if (bytes.length > 0) bytes[0] = t % 6;
    try {
      decodeInts(new ByteReader(bytes), new Uint32Array(seed % 17));
    } catch (err) {
      assert.ok(err instanceof DecodeError || err instanceof RangeError, String(err));
    }
  }
});

test('byte planes decode straight into u16, u32 and f64 outputs, base added', () => {
  const shuffled = new IntEncoder();
  shuffled.shuffle = true;
  const rnd = (
    (s) => () =>
      (s = (Math.imul(s, 1103515245) + 12345) >>> 0)
  )(11);
  for (const n of [2, 7, 8, 9, 1000]) {
    const u16 = Array.from({ length: n }, (_, i) => 3000 + ((rnd() + i) % 60_000));
    const u32 = Array.from({ length: n }, () => 70_000 + (rnd() % 4_000_000_000));
    const f64v = Array.from({ length: n }, () => 1_700_000_000_000 + (rnd() % 90_000));
    const cases: [number[], () => NumberArray][] = [
      [u16, () => new Uint16Array(n)],
      [u16, () => new Uint32Array(n)],
      [u16, () => new Float64Array(n)],
      [u32.map((v) => Math.min(v, 0xffff_ffff)), () => new Uint32Array(n)],
      [u32, () => new Float64Array(n)],
      [f64v, () => new Float64Array(n)],
    ];
    for (const [values, make] of cases) {
      const w = new ByteWriter(16);
      shuffled.encode(Float64Array.from(values), n, w);
      // Decode into garbage-filled outputs: every element must be written.
      const out = make().fill(7);
      decodeInts(new ByteReader(w.view8().slice()), out);
      assert.deepEqual(Array.from(out), values);
    }
  }
});

test('byte-plane dictionary indexes decode into f64 and u32, and a bad index is an error', () => {
  const shuffled = new IntEncoder();
  shuffled.shuffle = true;
  const values = Array.from({ length: 5000 }, (_, i) => 1_000_000 + (i % 300) * 4099);
  const w = new ByteWriter(16);
  assert.equal(intKindNames[shuffled.encode(Float64Array.from(values), values.length, w).kind], 'dict');
  const bytes = w.view8().slice();
  for (const out of [new Float64Array(values.length), new Uint32Array(values.length)]) {
    decodeInts(new ByteReader(bytes), out);
    assert.deepEqual(Array.from(out), values);
  }
  // The last plane holds the high bytes of the last indexes: make one index point past the dictionary.
  const bad = bytes.slice();
  bad[bad.length - 1] = 0xff;
  assert.throws(() => decodeInts(new ByteReader(bad), new Float64Array(values.length)), DecodeError);
});

test('sorted dictionaries (SDICT) round-trip scattered repeating 32-bit values', () => {
  const sorted = new IntEncoder();
  sorted.sortedDictionaries = true;
  const rnd = (
    (s) => () =>
      (s = (Math.imul(s, 1103515245) + 12345) >>> 0)
  )(5);
  const pool = Array.from({ length: 3000 }, () => rnd());
  for (const n of [2, 3, 17, 10_000]) {
    const values = Array.from({ length: n }, (_, i) =>
      i < 2 ? [0, 0xffff_ffff][i]! : pool[rnd() % pool.length]!,
    );
    const w = new ByteWriter(16);
    const kind = intKindNames[sorted.encode(Float64Array.from(values), n, w, true).kind];
    if (n === 10_000) assert.equal(kind, 'sdict');
    for (const out of [new Uint32Array(n).fill(9), new Float64Array(n).fill(9)]) {
      decodeInts(new ByteReader(w.view8().slice()), out);
      assert.deepEqual(Array.from(out), values);
    }
  }
  // Gaps too wide for a 4-byte delta fall back to frame of reference.
  const wide = [0, 2 ** 31 + 5, 0xffff_ffff, 0, 2 ** 31 + 5, 0xffff_ffff, 7, 7];
  const w = new ByteWriter(16);
  sorted.encode(Float64Array.from(wide), wide.length, w, true);
  const out = new Float64Array(wide.length);
  decodeInts(new ByteReader(w.view8().slice()), out);
  assert.deepEqual(Array.from(out), wide);
});

test('dictionary values of u64 columns up to 2^53 - 1 round-trip through the nested block', () => {
  const values = Array.from(
    { length: 4000 },
    (_, i) => [2 ** 53 - 1, 0, 2 ** 40 + 3, 1500][i % 4]! + (i % 2 === 1 ? 0 : 0),
  );
  const w = new ByteWriter(16);
  encoder.encode(Float64Array.from(values), values.length, w);
  const out = new Float64Array(values.length);
  decodeInts(new ByteReader(w.view8().slice()), out);
  assert.deepEqual(Array.from(out), values);
});
