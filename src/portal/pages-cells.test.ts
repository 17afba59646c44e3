import assert from 'node:assert/strict';
import { test } from 'node:test';
import { num, pivot, records, time } from './pages-cells.js';

test('num reads JSON numbers and digit strings; NaN, infinities, text and NULL are null', () => {
  assert.equal(num(12.5), 12.5);
  assert.equal(num('9007199254740993'), 9007199254740992);
  assert.equal(num('-1.5e3'), -1500);
  for (const cell of ['NaN', 'Infinity', '-Infinity', 'abc', '', null, true, undefined])
    assert.equal(num(cell), null, String(cell));
  assert.equal(num(Number.NaN), null);
  assert.equal(time('2026-01-05T10:00:00.123Z'), Date.UTC(2026, 0, 5, 10, 0, 0, 123));
  assert.equal(time(5), null);
});

test('records keys rows by field; pivot aligns series on the sorted distinct times with gaps', () => {
  assert.deepEqual(records({ fields: [{ name: 'a' }, { name: 'b' }], rows: [[1, 'x'], [2]] }), [
    { a: 1, b: 'x' },
    { a: 2, b: null },
  ]);
  const p = pivot([
    { t: 20, key: 'b', v: 2 },
    { t: 10, key: 'a', v: 1 },
    { t: 30, key: 'a', v: null },
    { t: 20, key: 'a', v: 3 },
  ]);
  assert.deepEqual(p, {
    times: [10, 20, 30],
    series: [
      { key: 'b', values: [null, 2, null] },
      { key: 'a', values: [1, 3, null] },
    ],
  });
  assert.deepEqual(
    pivot([{ t: 1, key: 'x', v: 1 }], ['y', 'x']).series.map((s) => s.key),
    ['y', 'x'],
  );
});
