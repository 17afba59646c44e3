import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddrTable, decodeAddrDict, decodeSharedTable, writeAddrDictHead } from './addr-dict.js';
import { buildAddrDict } from './addr-dict-build.js';
import { ByteReader, ByteWriter, DecodeError } from './byte-io.js';
import { ColumnEncoder, decodeColumn, encodingName } from './column-codec.js';
import { decodeIndexesOnly } from './column-decode.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** n addresses: IPv4 from a small pool (repeats), IPv6, and all-zero rows. */
function addresses(n: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(n * 16);
  const v4pool = Array.from({ length: 40 }, () => Math.floor(next() * 2 ** 32));
  const v6pool = Array.from({ length: 10 }, () => Array.from({ length: 16 }, () => Math.floor(next() * 256)));
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u < 0.75) {
      out[i * 16 + 10] = 0xff;
      out[i * 16 + 11] = 0xff;
      new DataView(out.buffer).setUint32(i * 16 + 12, v4pool[Math.floor(next() * v4pool.length)]!);
    } else if (u < 0.95) out.set(v6pool[Math.floor(next() * v6pool.length)]!, i * 16);
  }
  return out;
}

const hex = (a: Uint8Array, row: number) => Buffer.from(a.subarray(row * 16, row * 16 + 16)).toString('hex');
const mapped = (h: string) => h.startsWith('00000000000000000000ffff');

test('the dictionary holds each distinct address once, IPv4 by value then the others by bytes', () => {
  const n = 3000;
  const col = addresses(n, 1);
  const dict = buildAddrDict(col, n);
  const distinct = [...new Set(Array.from({ length: n }, (_, i) => hex(col, i)))];
  const v4 = distinct.filter(mapped).sort((a, b) => parseInt(a.slice(24), 16) - parseInt(b.slice(24), 16));
  const v6 = distinct.filter((h) => !mapped(h)).sort();
  assert.equal(dict.size, distinct.length);
  assert.deepEqual(
    Array.from(dict.v4),
    v4.map((h) => parseInt(h.slice(24), 16)),
  );
  const entry = (k: number) =>
    k < dict.v4.length ? v4[k]! : Buffer.from(dict.v6.buffer, (k - dict.v4.length) * 16, 16).toString('hex');
  assert.deepEqual(
    Array.from({ length: v6.length }, (_, i) => entry(v4.length + i)),
    v6,
  );
  for (let i = 0; i < n; i++) assert.equal(entry(dict.index[i]!), hex(col, i), `row ${i}`);
});

test('ADDR_DICT blocks round-trip with bytes or bit-packed indexes, indexes alone too', () => {
  const n = 2000;
  const col = addresses(n, 2);
  const dict = buildAddrDict(col, n);
  const rows = Uint32Array.from({ length: n }, (_, i) => (i * 7) % n);
  for (const packBits of [false, true]) {
    const encoder = new ColumnEncoder();
    const w = new ByteWriter();
    const head = encoder.head('addr', col, undefined, rows, w, dict);
    const encoding = encoder.finish(head, w, packBits);
    assert.equal(encodingName(encoding), 'addr-dict');
    const raw = w.view8().slice();
    const decoded = decodeColumn('addr', encoding, raw, n);
    for (let i = 0; i < n; i++) assert.equal(hex(decoded.array as Uint8Array, i), hex(col, rows[i]!));
    assert.deepEqual(
      Array.from(decoded.indexes!),
      Array.from(rows, (r) => dict.index[r]),
    );
    assert.deepEqual(decodeIndexesOnly(raw, n, new Uint32Array(n)), decoded.indexes);
  }
});

test('ADDR_SHARED blocks decode against the part dictionary, and repeats expand their indexes', () => {
  const n = 1500;
  const src = addresses(n, 3);
  const dst = addresses(n, 4);
  const both = new Uint8Array(2 * n * 16);
  both.set(src);
  both.set(dst, n * 16);
  const dict = buildAddrDict(both, 2 * n);
  const w = new ByteWriter();
  const encoder = new ColumnEncoder();
  // The part-level block: the dictionary without indexes.
  const table = new AddrTable();
  const part = new ByteWriter();
  writeAddrDictHead(dict, encoder.ints, part);
  decodeSharedTable(part.view8().slice(), table, 2 * n);
  assert.equal(table.size, dict.size);
  // The dst block: rows 0..leaders-1 stored, the rest repeat them.
  const leaders = 1000;
  const leaderOf = Uint32Array.from({ length: n - leaders }, (_, j) => (j * 13) % leaders);
  const stored = Uint32Array.from({ length: leaders }, (_, i) => i);
  const dstDict = { ...dict, index: dict.index.subarray(n) };
  const h = encoder.head('addr', dst, undefined, stored, w, dstDict, true);
  const encoding = encoder.finish(h, w, true);
  assert.equal(encodingName(encoding), 'addr-shared');
  const out = new Uint8Array(n * 16);
  const indexes = new Uint32Array(n);
  decodeAddrDict(new ByteReader(w.view8().slice()), out, indexes, table, leaderOf);
  for (let i = 0; i < n; i++) {
    const from = i < leaders ? i : leaderOf[i - leaders]!;
    assert.equal(hex(out, i), hex(dst, from), `row ${i}`);
    assert.equal(indexes[i], dstDict.index[from]);
  }
  // Without the part dictionary, or with one of another size: an error, not garbage.
  assert.throws(() => decodeAddrDict(new ByteReader(w.view8().slice()), out, indexes), DecodeError);
  const other = new AddrTable();
  assert.throws(() => decodeAddrDict(new ByteReader(w.view8().slice()), out, indexes, other), DecodeError);
});

test('writeMarked writes the marked entries in order, IPv4 and IPv6, every byte, and counts them', () => {
  const n = 2500;
  const col = addresses(n, 5);
  const dict = buildAddrDict(col, n);
  const part = new ByteWriter();
  writeAddrDictHead(dict, new ColumnEncoder().ints, part);
  const table = new AddrTable();
  decodeSharedTable(part.view8().slice(), table, n);
  assert.ok(table.d4 > 0 && table.size > table.d4, 'IPv4 and other entries');
  // Oracle: the dictionary's entries are the input's distinct addresses, IPv4 by value first,
  // then the others by bytes (checked above); pick them by mark straight from the input.
  const distinct = [...new Set(Array.from({ length: n }, (_, i) => hex(col, i)))];
  const v4 = distinct.filter(mapped).sort((a, b) => parseInt(a.slice(24), 16) - parseInt(b.slice(24), 16));
  const sorted = [...v4, ...distinct.filter((h) => !mapped(h)).sort()];
  const next = rng(6);
  for (const density of [0, 0.3, 1]) {
    const marks = Uint8Array.from({ length: table.size }, () => (next() < density ? 1 : 0));
    marks[table.size - 1] = density > 0 ? 1 : 0;
    const out = new Uint8Array((table.size + 1) * 16).fill(0xaa);
    const count = table.writeMarked(marks, out);
    const expected = sorted.filter((_, e) => marks[e] === 1);
    assert.equal(count, expected.length);
    assert.deepEqual(
      Array.from({ length: count }, (_, k) => hex(out, k)),
      expected,
      `density ${density}`,
    );
  }
  assert.throws(
    () => table.writeMarked(new Uint8Array(table.size), new Uint8Array(table.size * 16)),
    RangeError,
  );
});
