import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultMemo } from './result-memo.js';

test('remembered rows answer only the same partial objects in the same order, as copies', () => {
  const memo = new ResultMemo();
  const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 2 }];
  const rows = [[1n, 'x']];
  memo.set([a, b], 'k', rows);
  rows[0]![1] = 'changed by the client';
  assert.deepEqual(memo.get([a, b], 'k'), [[1n, 'x']]);
  assert.equal(memo.get([a, c], 'k'), undefined, 'an equal but other partial');
  assert.equal(memo.get([b, a], 'k'), undefined, 'another order');
  assert.equal(memo.get([a], 'k'), undefined, 'fewer partials');
  assert.equal(memo.get([a, b], 'other finish'), undefined);
  const got = memo.get([a, b], 'k')!;
  got[0]![0] = 0n;
  assert.deepEqual(memo.get([a, b], 'k'), [[1n, 'x']], 'handed-out rows are copies');
  assert.equal(memo.hits, 3, 'the three lookups above that found rows');
});
