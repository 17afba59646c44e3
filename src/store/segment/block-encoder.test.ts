import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENCODING_RELATIVE } from '../encoding/column-codec.js';
import { BlockCompressor, BlockDecompressor } from '../encoding/compress.js';
import { BlockEncoder } from './block-encoder.js';

const rows = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

test('a time column is stored relative to its reference only when the differences are cheaper', () => {
  const encoder = new BlockEncoder(3);
  const n = 5000;
  const end = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + ((i * 7919) % 80_000));
  // Durations: zero for most flows, so relative wins.
  const start = end.map((e, i) => (i % 4 === 0 ? e - ((i * 31) % 60_000) : e));
  assert.ok(encoder.encodeWithReference(start, end, 1, rows(n)).entry.encoding >= ENCODING_RELATIVE);
  // Unrelated values: the differences are as wide as the values, so the column stands alone.
  const other = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + ((i * 104_729) % 3_000_000));
  assert.ok(encoder.encodeWithReference(other, end, 1, rows(n)).entry.encoding < ENCODING_RELATIVE);
  // Fractions and values past the reference (negative differences) never go relative.
  const late = end.map((e) => e + 0.5);
  assert.ok(encoder.encodeWithReference(late, end, 1, rows(n)).entry.encoding < ENCODING_RELATIVE);
  // No rows: a plain (constant) block.
  assert.ok(
    encoder.encodeWithReference(new Float64Array(0), end, 1, rows(0)).entry.encoding < ENCODING_RELATIVE,
  );
});

test("a column's blocks go through zstd with long matches when its first block is smaller so", () => {
  let seed = 17;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const n = 20_000;
  // TCP-flags-like bytes (a few skewed values) and random port numbers.
  const flagValues = [16, 24, 2, 18, 17, 27, 4, 20];
  const flags = Uint8Array.from({ length: n }, () => flagValues[Math.min(next() % 8, next() % 8)]!);
  const ports = Uint16Array.from({ length: n }, () => 1024 + (next() % 60_000));
  const chosen: boolean[] = [];
  for (const [name, type, values] of [
    ['tcp_flags', 'u8', flags],
    ['l4_src_port', 'u16', ports],
  ] as const) {
    // The oracle: the block's bytes (level 0 stores them as they are) compressed both ways here.
    const raw = new BlockEncoder(0, { mode: 'never', tolerance: 0 }).encode(type, values, undefined, rows(n));
    const plain = new BlockCompressor(3).compress(raw.stored).stored.length;
    const long = new BlockCompressor(3, true).compress(raw.stored).stored.length;
    const encoder = new BlockEncoder(3, { mode: 'never', tolerance: 0 });
    encoder.column = name;
    for (let k = 0; k < 2; k++) {
      const block = encoder.encode(type, values, undefined, rows(n));
      assert.equal(block.entry.length, Math.min(plain, long), `${name} block ${k}`);
      const back = new Uint8Array(block.entry.rawLength);
      new BlockDecompressor().decompress(block.entry.codec, block.stored, back);
      assert.deepEqual(back, raw.stored);
    }
    chosen.push(long < plain);
  }
  // The two columns went different ways, so both branches ran.
  assert.deepEqual(chosen, [true, false]);
});
