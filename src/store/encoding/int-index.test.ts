import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADDR_SHARED,
  AddrTable,
  decodeAddrDictIndexed,
  decodeSharedTable,
  writeAddrDictHead,
} from './addr-dict.js';
import { buildAddrDict } from './addr-dict-build.js';
import { packBits, packedWords, unpack } from './bitpack.js';
import { ByteReader, ByteWriter, DecodeError } from './byte-io.js';
import { decodeIndexInts, decodeInts } from './int-decode.js';
import { IntEncoder } from './int-encode.js';
import { BITS, INT_DELTA, INT_FOR, MONOTONE, SHUFFLED } from './int-format.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
}

const largest = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, v), 0);

test("unpack 'index' writes base + value mod 2^32 and returns the largest written", () => {
  const next = rng(5);
  for (let bits = 1; bits <= 32; bits++) {
    for (const n of [0, 5, 32, 70]) {
      const values = new Uint32Array(n).map(() => (bits === 32 ? next() : next() % 2 ** bits));
      const words = new Uint32Array(packedWords(n, bits));
      packBits(values, n, bits, words);
      // A base near 2^32 (possible only in a damaged block) wraps as a Uint32Array store does.
      for (const base of [0, 7, 2 ** 32 - 3]) {
        const out = new Uint32Array(n);
        const max = unpack('index', bits, words, out, base);
        const expected = Array.from(values, (v) => (base + v) % 2 ** 32);
        assert.deepEqual(Array.from(out), expected, `bits ${bits} n ${n} base ${base}`);
        assert.equal(max, largest(expected), `bits ${bits} n ${n} base ${base}`);
      }
    }
  }
});

test('decodeIndexInts decodes every integer block as decodeInts does and returns the largest', () => {
  const next = rng(9);
  const n = 3000;
  const shapes: Record<string, Float64Array> = {
    // An unsorted key's indexes (bit-packed FOR), a sorted key's (small deltas), a constant,
    // a few distinct wide values (a dictionary).
    unsorted: Float64Array.from({ length: n }, () => next() % 50_000),
    sorted: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 3)),
    constant: new Float64Array(n).fill(42),
    few: Float64Array.from({ length: n }, () => [3, 70_000, 1_000_000][next() % 3]!),
  };
  const forms = new Set<string>();
  for (const [name, values] of Object.entries(shapes)) {
    for (const bitPacked of [false, true]) {
      const encoder = new IntEncoder();
      encoder.packBits = bitPacked;
      const w = new ByteWriter(16);
      encoder.encode(values, n, w, true);
      const raw = w.view8().slice();
      if (raw[0] === INT_FOR && (raw[1]! & (BITS | MONOTONE | SHUFFLED)) === BITS) forms.add('for-bits');
      if (raw[0] === INT_DELTA && raw[1] === 1) forms.add('delta-bytes');
      const expected = new Uint32Array(n);
      decodeInts(new ByteReader(raw), expected);
      const out = new Uint32Array(n);
      const r = new ByteReader(raw);
      const max = decodeIndexInts(r, out);
      r.done();
      assert.deepEqual(out, expected, `${name} packed ${bitPacked}`);
      assert.equal(max, largest(values), `${name} packed ${bitPacked}`);
    }
  }
  // Both forms with a loop of their own were exercised.
  assert.deepEqual([...forms].sort(), ['delta-bytes', 'for-bits']);
});

test('an address index past the dictionary is a DecodeError, for leaders and their repeats alike', () => {
  const n = 100;
  const col = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) {
    col[i * 16 + 10] = 0xff;
    col[i * 16 + 11] = 0xff;
    col[i * 16 + 15] = i % 10; // 10 distinct IPv4 addresses
  }
  const dict = buildAddrDict(col, n);
  const table = new AddrTable();
  const part = new ByteWriter();
  writeAddrDictHead(dict, new IntEncoder(), part);
  decodeSharedTable(part.view8().slice(), table, n);
  assert.equal(table.size, 10);
  for (const bitPacked of [false, true]) {
    for (const bad of [9, 10]) {
      // An ADDR_SHARED block whose last leader's index is `bad`.
      const w = new ByteWriter(16);
      w.u8(ADDR_SHARED);
      w.varint(table.size);
      const encoder = new IntEncoder();
      encoder.packBits = bitPacked;
      const leaders = Float64Array.from({ length: 60 }, (_, i) => (i === 59 ? bad : i % 10));
      encoder.encode(leaders, 60, w, true);
      const leaderOf = Uint32Array.from({ length: n - 60 }, (_, j) => 59 - (j % 3));
      const indexes = new Uint32Array(n);
      const decode = () => decodeAddrDictIndexed(new ByteReader(w.view8().slice()), indexes, table, leaderOf);
      if (bad < table.size) {
        decode();
        assert.equal(indexes[n - 1], leaders[leaderOf[n - 61]!]);
      } else assert.throws(decode, DecodeError, `index ${bad} packed ${bitPacked}`);
    }
  }
});
