import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENCODING_RELATIVE } from '../encoding/column-codec.js';
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
