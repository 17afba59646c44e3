import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageOf, type SortValue, sortedOrder } from './table-rows.js';

test('sortedOrder: numbers numerically, empty values last both ways, ties stable', () => {
  const v: SortValue[] = [10, null, 2, 10, Number.NaN, 33];
  assert.deepEqual([...sortedOrder(v.length, (i) => v[i], 'asc')], [2, 0, 3, 5, 1, 4]);
  assert.deepEqual([...sortedOrder(v.length, (i) => v[i], 'desc')], [5, 0, 3, 2, 1, 4]);
});

test('sortedOrder: text in code-unit order (upper case before lower, as C collation)', () => {
  const v = ['b', 'a', 'B', '10', '9'];
  assert.deepEqual(
    [...sortedOrder(v.length, (i) => v[i], 'asc')].map((i) => v[i]),
    ['10', '9', 'B', 'a', 'b'],
  );
});

test('pageOf clamps the page and gives the row range', () => {
  assert.deepEqual(pageOf(0, 0, 25), { page: 0, pages: 1, start: 0, end: 0 });
  assert.deepEqual(pageOf(51, 2, 25), { page: 2, pages: 3, start: 50, end: 51 });
  assert.deepEqual(pageOf(51, 9, 25), { page: 2, pages: 3, start: 50, end: 51 });
  assert.deepEqual(pageOf(51, -1, 25), { page: 0, pages: 3, start: 0, end: 25 });
});
