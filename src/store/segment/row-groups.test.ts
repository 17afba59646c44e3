import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberArray } from '../../flow/batch.js';
import { groupRows } from './row-groups.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Checks `groupRows` against a brute-force reference: first occurrences lead, the rest repeat them. */
function check(order: Uint32Array, keys: NumberArray[], runKeys: Uint32Array[] = []): number {
  const g = groupRows(order, keys, runKeys);
  const n = order.length;
  const key = (row: number) => keys.map((k) => k[row]).join(',');
  const firstOf = new Map<string, number>();
  const leaders: number[] = [];
  for (const row of order) {
    const k = key(row);
    if (!firstOf.has(k)) {
      firstOf.set(k, leaders.length);
      leaders.push(row);
    }
  }
  assert.equal(g.leaders, leaders.length);
  assert.deepEqual(Array.from(g.order.subarray(0, g.leaders)), leaders, 'leaders in their order');
  assert.equal(g.leaderOf.length, n - g.leaders);
  // Every row exactly once; each repeat equals its leader; leaderOf never decreases; repeats of
  // one leader keep their relative order.
  assert.deepEqual(
    Array.from(g.order).sort((a, b) => a - b),
    Array.from({ length: n }, (_, i) => i),
  );
  const position = new Map(Array.from(order, (row, i) => [row, i]));
  for (let j = 0; j < g.leaderOf.length; j++) {
    const row = g.order[g.leaders + j]!;
    assert.equal(key(row), key(g.order[g.leaderOf[j]!]!));
    if (j > 0) {
      assert.ok(g.leaderOf[j]! >= g.leaderOf[j - 1]!);
      if (g.leaderOf[j] === g.leaderOf[j - 1]) {
        assert.ok(position.get(row)! > position.get(g.order[g.leaders + j - 1]!)!);
      }
    }
  }
  return g.leaders;
}

test('rows equal in every key repeat the first of them; others lead', () => {
  const next = rng(1);
  const n = 3000;
  const a = Uint32Array.from({ length: n }, () => Math.floor(next() * 50));
  const b = Uint16Array.from({ length: n }, () => Math.floor(next() * 4));
  const c = Float64Array.from({ length: n }, () => 2 ** 40 + Math.floor(next() * 3));
  const d = Uint8Array.from({ length: n }, () => (next() < 0.9 ? 6 : 17));
  const order = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const leaders = check(order, [a, b, c, d]);
  assert.ok(leaders > 100 && leaders < n, `${leaders}`);
});

test('sorted by run keys, only neighbours are compared; long runs fall back to hashing', () => {
  const next = rng(2);
  const n = 4000;
  const dst = Uint32Array.from({ length: n }, () => Math.floor(next() * 300));
  const src = Uint32Array.from({ length: n }, () => Math.floor(next() * 20));
  const port = Uint16Array.from({ length: n }, () => Math.floor(next() * 3));
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => dst[x]! - dst[y]! || src[x]! - src[y]!,
  );
  check(order, [dst, src, port], [dst, src]);
  check(order, [dst, src, port], [dst]);
  // One run of 200 equal run keys (longer than the run limit).
  const same = new Uint32Array(n);
  check(order, [same, port], [same]);
});

test('no keys, no rows, one row, all distinct: every row leads', () => {
  const order = Uint32Array.from({ length: 10 }, (_, i) => 9 - i);
  assert.equal(groupRows(order, []).leaders, 10);
  assert.equal(groupRows(new Uint32Array(0), [new Uint32Array(0)]).leaders, 0);
  assert.equal(groupRows(Uint32Array.of(0), [Uint32Array.of(5)]).leaders, 1);
  assert.equal(check(order, [Uint32Array.from({ length: 10 }, (_, i) => i)]), 10);
});
