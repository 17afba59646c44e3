import assert from 'node:assert/strict';
import { test } from 'node:test';
import { radixSort32 } from './radix-sort.js';

/** Oracle: Array.prototype.sort, which is stable, over (key, entry) pairs. */
function reference(perm: Uint32Array, keys: Uint32Array): [number[], number[]] {
  const pairs = [...perm].map((p, i) => [keys[i]!, p] as const);
  pairs.sort((a, b) => a[0] - b[0]);
  return [pairs.map((x) => x[1]), pairs.map((x) => x[0])];
}

test('radixSort32 sorts entries by 32-bit keys, stably, across every digit', () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const keyKinds: [string, () => number][] = [
    ['full 32 bits', () => rand()],
    ['duplicates', () => rand() % 50],
    ['high digit only', () => (rand() % 7) << 25],
    ['one value', () => 0xdeadbeef],
  ];
  for (const [name, key] of keyKinds) {
    for (const m of [0, 1, 2, 3, 100, 5000]) {
      const perm = Uint32Array.from({ length: m }, (_, i) => (i * 7919) % 100_003);
      const keys = Uint32Array.from({ length: m }, key);
      const [wantPerm, wantKeys] = reference(perm, keys);
      radixSort32(perm, keys, m);
      assert.deepEqual([...perm], wantPerm, `${name}, m=${m}`);
      assert.deepEqual([...keys], wantKeys, `${name}, m=${m}`);
    }
  }
});

test('radixSort32 leaves the elements past m alone', () => {
  const perm = Uint32Array.of(3, 2, 1, 99);
  const keys = Uint32Array.of(30, 20, 10, 0);
  radixSort32(perm, keys, 3);
  assert.deepEqual([...perm], [1, 2, 3, 99]);
  assert.deepEqual([...keys], [10, 20, 30, 0]);
});
