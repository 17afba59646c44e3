import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperLogLog } from './sketch.js';
import { ipv4Column, randomValueChunks } from './test-values.js';

function sketchOf(values: Iterable<number>, precision = 14): HyperLogLog {
  const sketch = new HyperLogLog(precision);
  for (const v of values) sketch.addNumber(v);
  return sketch;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function assertSameSketch(a: HyperLogLog, b: HyperLogLog): void {
  assert.equal(a.isSparse, b.isSparse);
  if (a.isSparse) assert.deepEqual(a.sparseEntries(), b.sparseEntries());
  assert.deepEqual(a.denseRegisters(), b.denseRegisters());
}

test('precision is validated', () => {
  for (const p of [3, 19, 14.5, Number.NaN]) assert.throws(() => new HyperLogLog(p), RangeError);
  assert.equal(new HyperLogLog().precision, 14);
  assert.equal(new HyperLogLog().estimate(), 0);
});

test('sparse sketches count small sets (almost) exactly, duplicates ignored', () => {
  const sketch = new HyperLogLog();
  for (let round = 0; round < 3; round++) for (let i = 0; i < 1000; i++) sketch.addNumber(i * 7919);
  assert.ok(sketch.isSparse);
  assert.equal(Math.round(sketch.estimate()), 1000);
  const strings = new HyperLogLog();
  for (const s of ['a', 'b', 'a', '', 'b']) strings.addString(s);
  assert.equal(Math.round(strings.estimate()), 3);
});

test('sparse → dense conversion: same registers as a sketch dense from the start, no jump', () => {
  const sketch = new HyperLogLog(12);
  const dense = HyperLogLog.fromRegisters(12, new Uint8Array(1 << 12));
  let lastSparse = 0;
  let firstDense = 0;
  for (let i = 0; i < 3000; i++) {
    sketch.addNumber(i);
    dense.addNumber(i);
    if (sketch.isSparse) lastSparse = i + 1;
    else if (firstDense === 0) firstDense = i + 1;
  }
  assert.equal(firstDense, lastSparse + 1);
  assert.deepEqual(sketch.denseRegisters(), dense.denseRegisters());
  assert.ok(!dense.isSparse);
  const before = sketchOf(range(0, lastSparse), 12).estimate();
  const after = sketchOf(range(0, firstDense), 12).estimate();
  assert.ok(Math.abs(before / lastSparse - 1) < 0.005, `sparse estimate ${before} for ${lastSparse}`);
  assert.ok(Math.abs(after / firstDense - 1) < 0.03, `dense estimate ${after} for ${firstDense}`);
});

test('column adders equal per-value adds (typed arrays, selection vectors, addresses)', () => {
  const values = new Uint16Array(range(0, 50_000).map((i) => (i * 31) & 0xffff));
  const rows = new Uint32Array(range(0, 20_000).map((i) => i * 2));
  const one = new HyperLogLog();
  for (const v of values) one.addNumber(v);
  const column = new HyperLogLog();
  column.addNumbers(values);
  assertSameSketch(one, column);
  const selected = new HyperLogLog();
  selected.addNumbersAt(values, rows);
  assertSameSketch(selected, sketchOf(Array.from(rows, (r) => values[r]!)));

  const addresses = ipv4Column(0xc0a80000, 40_000);
  const perRow = new HyperLogLog();
  for (let row = 0; row < 40_000; row++) perRow.addAddress(addresses, row * 16);
  const all = new HyperLogLog();
  all.addAddresses(addresses);
  assertSameSketch(perRow, all);
  const even = new HyperLogLog();
  even.addAddressesAt(addresses, rows);
  const evenRows = new HyperLogLog();
  for (const row of rows) evenRows.addAddress(addresses, row * 16);
  assertSameSketch(even, evenRows);
});

test('merge of disjoint and overlapping sets equals the sketch of the union, every representation pair', () => {
  const cases: Array<[number, number, number, number]> = [
    [0, 500, 500, 1000], // sparse + sparse → sparse
    [0, 3000, 2000, 5000], // sparse + sparse → dense
    [0, 100, 0, 90_000], // sparse + dense
    [0, 90_000, 50, 150], // dense + sparse
    [0, 90_000, 90_000, 200_000], // dense + dense disjoint
    [0, 90_000, 40_000, 200_000], // dense + dense overlapping
  ];
  for (const [aFrom, aTo, bFrom, bTo] of cases) {
    const a = sketchOf(range(aFrom, aTo));
    const b = sketchOf(range(bFrom, bTo));
    const union = sketchOf(range(Math.min(aFrom, bFrom), Math.max(aTo, bTo)));
    const ab = a.clone();
    ab.merge(b);
    const ba = b.clone();
    ba.merge(a);
    assertSameSketch(ab, union);
    assertSameSketch(ba, union);
    assertSameSketch(b, sketchOf(range(bFrom, bTo)));
  }
});

test('merge across precisions folds down exactly; lower into higher is refused', () => {
  for (const n of [300, 100_000]) {
    const values = range(0, n);
    const high = sketchOf(values, 16);
    const low = sketchOf(values, 12);
    assertSameSketch(high.reduce(12), low);
    const target = sketchOf(values.slice(0, n / 2), 12);
    target.merge(high);
    assertSameSketch(target, low);
  }
  const denseLow = sketchOf(range(0, 100_000), 10);
  assert.throws(() => new HyperLogLog(14).merge(denseLow), /reduce this sketch first/);
  assert.throws(() => denseLow.reduce(12), RangeError);
});

test('registers do not depend on insertion order or chunking', () => {
  const forward = new HyperLogLog();
  const chunks = [...randomValueChunks(200_000, 3, 4096)].map((c) => c.slice());
  for (const chunk of chunks) forward.addNumbers(chunk);
  const backward = new HyperLogLog();
  for (const chunk of chunks.reverse()) backward.addNumbers(chunk.reverse());
  assertSameSketch(forward, backward);
});

test('addAddressWords (a column as int32 words) builds the sketch addAddresses builds', () => {
  // IPv4-mapped and other addresses, runs of one address, sparse and dense, and a start row.
  const rows = 60_000;
  const bytes = new Uint8Array(rows * 16);
  let x = 7;
  for (let row = 0; row < rows; row++) {
    const o = row * 16;
    if (row > 0 && row % 3 === 0) {
      bytes.copyWithin(o, o - 16, o);
      continue;
    }
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (x % 4 === 0) for (let i = 0; i < 16; i++) bytes[o + i] = (x >>> (i % 24)) & 0xff;
    else {
      bytes[o + 10] = 0xff;
      bytes[o + 11] = 0xff;
      bytes[o + 12] = x >>> 24;
      bytes[o + 13] = x >>> 16;
      bytes[o + 14] = x >>> 8;
      bytes[o + 15] = x;
    }
  }
  const view = new DataView(bytes.buffer);
  const words = Int32Array.from({ length: rows * 4 }, (_, i) => view.getInt32(i * 4, true));
  for (const [from, to] of [
    [0, 100],
    [0, rows],
    [5000, rows],
  ] as const) {
    const expected = new HyperLogLog();
    expected.addAddresses(bytes, from, to);
    const got = new HyperLogLog();
    got.addAddressWords(words, from, to);
    assertSameSketch(got, expected);
  }
  // Into a sketch already dense, in two calls.
  const expected = new HyperLogLog();
  expected.addAddresses(bytes);
  const got = new HyperLogLog();
  got.addAddressWords(words, 0, 30_000);
  assert.equal(got.isSparse, false);
  got.addAddressWords(words, 30_000, rows);
  assertSameSketch(got, expected);
});

test('addAddressWords over many rows: dense at once only when the sparse sketch would have converted', () => {
  // ipv4Column gives distinct addresses; row r of `column` repeats address r % distinct.
  const column = (distinct: number, rows: number): { bytes: Uint8Array; words: Int32Array } => {
    const base = ipv4Column(0x0a000000, distinct);
    const bytes = new Uint8Array(rows * 16);
    for (let r = 0; r < rows; r++)
      bytes.set(base.subarray((r % distinct) * 16, (r % distinct) * 16 + 16), r * 16);
    const view = new DataView(bytes.buffer);
    return { bytes, words: Int32Array.from({ length: rows * 4 }, (_, i) => view.getInt32(i * 4, true)) };
  };
  // 20 000 rows of 600 addresses: more rows than the sparse limit (4096), too few values to convert.
  // 20 000 rows of 12 000: converts. 3000 addresses already in the sketch plus 2000 new ones
  // among 9000 rows: only the union passes the limit; with 5000 new ones the rows alone do, and
  // the 3000 must be in the registers too.
  const prior = ipv4Column(0x0b000000, 3000);
  for (const [distinct, rows, withPrior] of [
    [600, 20_000, false],
    [12_000, 20_000, false],
    [2000, 9000, true],
    [5000, 9000, true],
    [600, 9000, true],
  ] as const) {
    const { bytes, words } = column(distinct, rows);
    const expected = new HyperLogLog();
    const got = new HyperLogLog();
    if (withPrior) {
      expected.addAddresses(prior);
      got.addAddresses(prior);
    }
    expected.addAddresses(bytes);
    got.addAddressWords(words, 0, rows);
    assertSameSketch(got, expected);
    // Sparse until past 4096 distinct values (2^14 / 4), whichever way the rows came in.
    assert.equal(got.isSparse, distinct + (withPrior ? 3000 : 0) <= 4096, `${distinct} of ${rows}`);
  }
  // A sketch that stayed sparse over many rows still takes later rows right (the sparse way).
  const few = column(600, 20_000);
  const many = column(12_000, 20_000);
  const expected = new HyperLogLog();
  expected.addAddresses(few.bytes);
  expected.addAddresses(many.bytes);
  const got = new HyperLogLog();
  got.addAddressWords(few.words, 0, 20_000);
  got.addAddressWords(many.words, 0, 20_000);
  assert.equal(got.isSparse, false);
  assertSameSketch(got, expected);
});
