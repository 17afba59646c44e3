import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberArray } from '../../flow/batch.js';
import { ByteReader, ByteWriter, DecodeError } from './byte-io.js';
import { decodeInts } from './int-decode.js';
import { IntEncoder } from './int-encode.js';
import { intKindNames } from './int-format.js';

/** Encodes in the given mode (version 4 kinds on), decodes into `out`, checks every value. */
function roundTrip(
  values: readonly number[],
  out: NumberArray,
  mode: { bits: boolean; sparse?: boolean },
): { kind: string; bytes: number; tailAt: number } {
  const encoder = new IntEncoder();
  encoder.packBits = mode.bits;
  encoder.sparse = mode.sparse ?? true;
  const w = new ByteWriter(16);
  const info = encoder.encode(Float64Array.from(values), values.length, w);
  const r = new ByteReader(w.view8().slice());
  decodeInts(r, out);
  r.done();
  assert.deepEqual(Array.from(out), values, `kind ${intKindNames[info.kind]}`);
  return { kind: intKindNames[info.kind]!, bytes: w.length, tailAt: encoder.tailAt };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

test('bit mode: frame of reference at the exact width, its words the block tail', () => {
  const next = rng(1);
  const values = Array.from({ length: 1000 }, () => 5000 + Math.floor(next() * 3000));
  const r = roundTrip(values, new Float64Array(1000), { bits: true });
  assert.equal(r.kind, 'for');
  // 12 bits a value (3000 < 4096), header 18 bytes, padding to 4.
  assert.ok(r.bytes <= 24 + Math.ceil(1000 / 32) * 12 * 4, `${r.bytes}`);
  assert.ok(r.tailAt > 0 && r.tailAt % 4 === 0 && r.bytes - r.tailAt === Math.ceil(1000 / 32) * 12 * 4);
});

test('bit mode: non-decreasing values take monotone deltas, one bit fewer than zigzag', () => {
  const next = rng(2);
  let v = 1e6;
  const values = Array.from({ length: 5000 }, () => (v += Math.floor(next() * 4)));
  const up = roundTrip(values, new Float64Array(5000), { bits: true });
  assert.equal(up.kind, 'delta');
  // Steps 0..3: 2 bits (zigzag would need 3).
  assert.ok(up.bytes < 24 + (5000 * 2) / 8 + 64, `${up.bytes}`);
  const down = roundTrip(values.slice().reverse(), new Float64Array(5000), { bits: true });
  assert.equal(down.kind, 'delta');
  assert.ok(down.bytes > up.bytes);
  roundTrip(values, new Uint32Array(5000), { bits: true });
});

test('bit mode: few distinct wide values take a sorted dictionary with bit-packed indexes', () => {
  const next = rng(3);
  const distinct = [17, 90_000, 3_000_000, 4_000_000_000, 7, 123_456_789];
  const values = Array.from({ length: 3000 }, () => distinct[Math.floor(next() * distinct.length)]!);
  const r = roundTrip(values, new Float64Array(3000), { bits: true });
  assert.equal(r.kind, 'sdict');
  assert.ok(r.bytes < 3000 * 0.4 + 100, `${r.bytes}`);
  // Into the narrower outputs too.
  const small = values.map((x) => x % 65536);
  roundTrip(small, new Uint16Array(3000), { bits: true });
  roundTrip(small, new Uint32Array(3000), { bits: true });
});

test('SPARSE: one dominant value, the others scattered, in bytes and bit mode, every output type', () => {
  const next = rng(4);
  const values = Array.from({ length: 4000 }, () => (next() < 0.9 ? 0 : 1 + Math.floor(next() * 200)));
  for (const bits of [false, true]) {
    assert.equal(roundTrip(values, new Uint8Array(4000), { bits }).kind, 'sparse');
    roundTrip(values, new Uint16Array(4000), { bits });
    roundTrip(values, new Uint32Array(4000), { bits });
    roundTrip(values, new Float64Array(4000), { bits });
  }
  // Exceptions at the first and last rows; a dominant non-zero value.
  const edges = new Array(1000).fill(6);
  edges[0] = 17;
  edges[999] = 1;
  assert.equal(roundTrip(edges, new Uint8Array(1000), { bits: true }).kind, 'sparse');
  // Not dominant enough (60 %): another kind.
  const mixed = Array.from({ length: 4000 }, (_, i) => (i % 5 < 3 ? 0 : i % 250));
  assert.notEqual(roundTrip(mixed, new Uint8Array(4000), { bits: false }).kind, 'sparse');
  // Off when asked.
  assert.notEqual(roundTrip(values, new Uint8Array(4000), { bits: false, sparse: false }).kind, 'sparse');
});

test('PATCHED: a width that fits all but a few values, the few patched (times of a minute)', () => {
  const next = rng(5);
  const minute = Date.UTC(2026, 0, 5, 0, 10);
  const values = Array.from({ length: 20_000 }, (_, i) =>
    i % 997 === 0
      ? minute + 59_000 + Math.floor(next() * 1000)
      : minute - 16_000 + Math.floor(next() * 61_000),
  );
  const r = roundTrip(values, new Float64Array(values.length), { bits: true });
  assert.equal(r.kind, 'patched');
  // 16 bits a row instead of 17, plus the patches.
  assert.ok(r.bytes < (values.length * 16) / 8 + 400, `${r.bytes}`);
  roundTrip(
    values.map((v) => v - minute + 20_000),
    new Uint32Array(values.length),
    { bits: true },
  );
});

test('damaged version 4 blocks throw DecodeError, never hang or write out of range', () => {
  const next = rng(6);
  const blocks: Uint8Array[] = [];
  for (const bits of [false, true]) {
    const e = new IntEncoder();
    e.packBits = bits;
    e.sparse = true;
    for (const values of [
      Array.from({ length: 300 }, () => (next() < 0.9 ? 3 : Math.floor(next() * 1e6))),
      Array.from({ length: 300 }, (_, i) => 1e6 + i * 3),
      Array.from({ length: 300 }, () => 1e9 + Math.floor(next() * 70_000) + (next() < 0.01 ? 5e5 : 0)),
    ]) {
      const w = new ByteWriter(16);
      e.encode(Float64Array.from(values), values.length, w);
      blocks.push(w.view8().slice());
    }
  }
  for (const block of blocks) {
    for (let t = 0; t < 200; t++) {
      const bad = block.slice();
      bad[Math.floor(next() * bad.length)] ^= 1 + Math.floor(next() * 255);
      const out = new Float64Array(300);
      try {
        const r = new ByteReader(bad);
        decodeInts(r, out);
        r.done();
      } catch (err) {
        assert.ok(err instanceof DecodeError || err instanceof RangeError, String(err));
      }
    }
  }
});

test('PATCHED decodes into 16-bit columns: ports mostly under 2^9 with a few high ones', () => {
  // Regression: the writer chose PATCHED for u16 columns (forBits > 8) but the reader refused
  // narrow outputs ("patched block for a narrow column"), and compaction quarantined such files.
  // 20 000 ports under 2^14 (too many distinct ones for a dictionary) and 120 ephemeral ones
  // above 49 152: 16 bits each as plain frame of reference, 14 bits + 120 patches as PATCHED.
  const next = rng(7);
  const values = Array.from({ length: 20_000 }, (_, i) =>
    i % 167 === 5 ? 49152 + Math.floor(next() * 16000) : Math.floor(next() * 16384),
  );
  const r = roundTrip(values, new Uint16Array(values.length), { bits: true, sparse: false });
  assert.equal(r.kind, 'patched');
  // The same block decodes into wider arrays alike.
  roundTrip(values, new Uint32Array(values.length), { bits: true, sparse: false });
});
