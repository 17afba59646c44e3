import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DistinctCounter } from './distinct.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

function minMax(values: Float64Array): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

test('counting with the value range answers like the hash count, block after block', () => {
  const next = rng(9);
  const counter = new DistinctCounter(65536);
  // Blocks one after the other through one counter: values of an earlier block must not count
  // in a later one (the per-value flags are reused with a new stamp).
  const blocks: [string, Float64Array][] = [
    [
      'end times over 75 s',
      Float64Array.from({ length: 60_000 }, () => 1.7e12 + Math.floor(next() * 75_000)),
    ],
    [
      'the same range again',
      Float64Array.from({ length: 60_000 }, () => 1.7e12 + Math.floor(next() * 75_000)),
    ],
    ['few values, negative', Float64Array.from({ length: 20_000 }, () => -500 + Math.floor(next() * 300))],
    ['indexes, each twice', Float64Array.from({ length: 50_000 }, (_, i) => Math.floor(i / 2))],
  ];
  for (const [name, values] of blocks) {
    const n = values.length;
    const d = new Set(values).size; // oracle
    const range = minMax(values);
    for (const limit of [d - 1, d, d + 1, Math.floor(d / 2)]) {
      const within = d <= limit;
      assert.equal(counter.count(values, n, limit, range), within, `${name}: d=${d}, limit=${limit}`);
      assert.equal(counter.size, within ? d : 0, name);
    }
    // After a refusal the counter still counts exactly.
    assert.equal(counter.count(values, n, d, range), true);
    let total = 0;
    for (let e = 0; e < counter.size; e++) total += counter.counts[e]!;
    assert.equal(total, n, name);
  }
});
