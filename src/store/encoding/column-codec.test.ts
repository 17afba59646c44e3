import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringDict } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { ByteWriter, DecodeError } from './byte-io.js';
import {
  allocateColumn,
  applyReference,
  ColumnEncoder,
  decodeColumn,
  encodeRelative,
  encodingName,
} from './column-codec.js';

const encoder = new ColumnEncoder();
const allRows = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

function roundTrip(type: ColumnType, array: Uint8Array | Uint32Array, dict?: StringDict, rows?: Uint32Array) {
  const r = rows ?? allRows(type === 'addr' ? array.length / 16 : array.length);
  const w = new ByteWriter();
  const stats = encoder.encode(type, array, dict, r, w);
  const decoded = decodeColumn(type, stats.encoding, w.view8().slice(), r.length);
  return { decoded, name: encodingName(stats.encoding), bytes: w.length };
}

function v4(a: Uint8Array, row: number, value: number): void {
  a[row * 16 + 10] = 0xff;
  a[row * 16 + 11] = 0xff;
  new DataView(a.buffer).setUint32(row * 16 + 12, value);
}

test('IPv4-only addresses are stored as 4-byte numbers', () => {
  const n = 1000;
  const a = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) v4(a, i, 0x0a000000 + i * 13);
  const { decoded, name, bytes } = roundTrip('addr', a);
  assert.equal(name, 'addr-v4');
  assert.deepEqual(decoded.array, a);
  assert.ok(bytes < n * 4 + 32);
});

test('mixed IPv4/IPv6, IPv6-only, all-zero and constant addresses round-trip', () => {
  const n = 300;
  const mixed = new Uint8Array(n * 16);
  const v6only = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < 16; b++) v6only[i * 16 + b] = (i * 31 + b * 7) & 0xff;
    if (i % 3 === 0) mixed.set(v6only.subarray(i * 16, i * 16 + 16), i * 16);
    else if (i % 3 === 1) v4(mixed, i, 0xc0a80000 + i);
    // i % 3 === 2: all zero ("no address")
  }
  v6only[0] = 0; // a leading zero byte is not IPv4-mapped
  assert.equal(roundTrip('addr', mixed).name, 'addr-mixed');
  assert.deepEqual(roundTrip('addr', mixed).decoded.array, mixed);
  assert.deepEqual(roundTrip('addr', v6only).decoded.array, v6only);
  const zero = roundTrip('addr', new Uint8Array(n * 16));
  assert.equal(zero.name, 'addr-const');
  assert.ok(zero.bytes <= 17);
  const same = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) v4(same, i, 0x01020304);
  assert.deepEqual(roundTrip('addr', same).decoded.array, same);
  assert.equal(roundTrip('addr', new Uint8Array(0)).decoded.array.length, 0);
});

test('mixed addresses of every length up to 70 rows, and runs of IPv4 rows, round-trip', () => {
  for (let n = 1; n <= 70; n++) {
    const a = new Uint8Array(n * 16);
    for (let i = 0; i < n; i++) {
      // Runs of 8+ IPv4 rows, single IPv6 rows, a row at 2^32 - 1, and all-zero rows.
      if (i % 11 === 3 || i === n - 1)
        for (let b = 0; b < 16; b++) a[i * 16 + b] = (n * 7 + i * 31 + b) & 0xff;
      else if (i % 13 === 5) continue;
      else v4(a, i, i === 0 ? 0xffffffff : 0x0a000000 + i * 257);
    }
    const { decoded } = roundTrip('addr', a);
    assert.deepEqual(decoded.array, a, `n = ${n}`);
  }
});

test('mixed addresses whose IPv6 rows come in a few runs (sorted parts) round-trip, at any run position', () => {
  // At least 64 rows per run allowed: these take the run path (IPv4 rows moved into place).
  const n = 1000;
  const layouts: [number, number][][] = [
    [[0, 1]],
    [[0, 150]],
    [[999, 1000]],
    [[850, 1000]],
    [[400, 520]],
    [
      [0, 3],
      [500, 501],
      [990, 1000],
    ],
    [
      [1, 9],
      [16, 24],
      [100, 357],
      [358, 359],
    ],
    [[0, 1000]],
  ];
  for (const runs of layouts) {
    const a = new Uint8Array(n * 16);
    for (let i = 0; i < n; i++) {
      if (runs.some(([s, e]) => i >= s && i < e))
        for (let b = 0; b < 16; b++) a[i * 16 + b] = (i * 31 + b * 7 + 1) & 0xff;
      else v4(a, i, 0x0a000000 + i * 4099);
    }
    const { decoded, name } = roundTrip('addr', a);
    assert.equal(name, runs[0]![1] - runs[0]![0] === n ? name : 'addr-mixed');
    assert.deepEqual(decoded.array, a, JSON.stringify(runs));
  }
});

test('rows are read through the row index, in its order', () => {
  const a = new Uint8Array(4 * 16);
  for (let i = 0; i < 4; i++) v4(a, i, i + 1);
  const { decoded } = roundTrip('addr', a, undefined, Uint32Array.of(3, 1));
  assert.deepEqual(Array.from(decoded.array.subarray(12, 16)), [0, 0, 0, 4]);
  assert.deepEqual(Array.from(decoded.array.subarray(28, 32)), [0, 0, 0, 2]);
});

test('strings: empty, unicode, and 65k distinct values round-trip with a part dictionary', () => {
  const dict = new StringDict();
  const words = ['', 'dns', 'http', 'ünïcødé ✓', '日本語', '🙂 emoji', 'x'.repeat(1000)];
  const codes = Uint32Array.from({ length: 5000 }, (_, i) => dict.code(words[i % words.length]!));
  const { decoded } = roundTrip('string', codes, dict);
  const got = Array.from(decoded.array, (c) => decoded.dict![c]);
  assert.deepEqual(
    got,
    Array.from({ length: 5000 }, (_, i) => words[i % words.length]),
  );
  assert.equal(decoded.dict![0], '');

  const many = new StringDict();
  const n = 70_000;
  const manyCodes = Uint32Array.from({ length: n }, (_, i) => many.code(`host-${i}.example`));
  const big = roundTrip('string', manyCodes, many).decoded;
  assert.equal(big.dict!.length, n + 1);
  for (let i = 0; i < n; i += 997) assert.equal(big.dict![big.array[i]!], `host-${i}.example`);

  const unused = new StringDict();
  unused.code('never stored');
  const empty = roundTrip('string', new Uint32Array(3), unused).decoded;
  assert.deepEqual(empty.dict, ['']);
});

test('a time column relative to another decodes to the original values', () => {
  const n = 1000;
  const end = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 10);
  const start = end.map((e, i) => (i % 10 === 0 ? e - 5000 - i : e));
  const w = new ByteWriter();
  const stats = encodeRelative(encoder, start, end, 5, allRows(n), w);
  assert.match(encodingName(stats.encoding), /^ref\+/);
  assert.equal(stats.min, Math.min(...start));
  const decoded = decodeColumn('time', stats.encoding, w.view8().slice(), n);
  assert.equal(decoded.reference, 5);
  applyReference(decoded.array, end);
  assert.deepEqual(decoded.array, start);
});

test('numeric stats are the block min and max', () => {
  const w = new ByteWriter();
  const stats = encoder.encode('u16', Uint16Array.of(5, 9, 2, 7), undefined, allRows(4), w);
  assert.equal(stats.min, 2);
  assert.equal(stats.max, 9);
});

test('decoding garbage throws DecodeError (or RangeError), for every column type', () => {
  let seed = 3;
  const types: ColumnType[] = ['u8', 'u16', 'u32', 'u64', 'time', 'addr', 'mac', 'string'];
  for (let t = 0; t < 3000; t++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const bytes = new Uint8Array(seed % 80).map((_, i) => (Math.imul(seed, i + 1) >>> 13) & 0xff);
    const type = types[t % types.length]!;
    const encoding = [0, 1, 2, 3, 4, 0x11, 0x12, 0x21, 0x31][t % 9]!;
    if (bytes.length > 0 && t % 2 === 0) bytes[0] = t % 5;
    try {
      decodeColumn(type, encoding, bytes, seed % 20);
    } catch (err) {
      assert.ok(err instanceof DecodeError || err instanceof RangeError, `${type}: ${String(err)}`);
    }
  }
  assert.equal(allocateColumn('addr', 2).length, 32);
});
