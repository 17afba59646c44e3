import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberArray } from '../../flow/batch.js';
import { isConstant } from './gather-stats.js';

/** The oracle: every one of the first n values is the first (NaN equals nothing, itself included). */
function oracle(array: NumberArray, n: number): boolean {
  if (n < 1) return false;
  for (let i = 0; i < n; i++) if (!(array[i] === array[0])) return false;
  return true;
}

test('isConstant agrees with a brute-force check for every array type, length and first difference', () => {
  const makers: ((n: number) => NumberArray)[] = [
    (n) => new Float64Array(n),
    (n) => new Uint32Array(n),
    (n) => new Uint16Array(n),
    (n) => new Uint8Array(n),
  ];
  for (const make of makers) {
    for (const n of [1, 2, 3, 31, 100]) {
      for (let at = -1; at < n; at++) {
        const array = make(n + 3); // values past n never count
        array.fill(7);
        array[n] = 9;
        if (at >= 0) array[at] = 8;
        assert.equal(
          isConstant(array, n),
          oracle(array, n),
          `${array.constructor.name} n=${n} differs at ${at}`,
        );
      }
    }
  }
  assert.equal(isConstant(new Uint8Array(4), 0), false, 'no rows');
  assert.equal(
    isConstant(Float64Array.of(Number.NaN, Number.NaN), 2),
    oracle(Float64Array.of(Number.NaN, Number.NaN), 2),
  );
  assert.equal(isConstant(Float64Array.of(0.5, 0.5, 0.5), 3), true, 'fractions');
});
