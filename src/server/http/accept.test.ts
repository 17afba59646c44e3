import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resultFormat } from './accept.js';

test('Accept picks JSON or CSV by q-value; ?format= wins; anything else is 406', () => {
  const cases: [string | undefined, string | null, string][] = [
    [undefined, null, 'json'],
    ['', null, 'json'],
    ['*/*', null, 'json'],
    ['application/json', null, 'json'],
    ['text/csv', null, 'csv'],
    ['TEXT/CSV; charset=utf-8', null, 'csv'],
    ['application/json;q=0.5, text/csv', null, 'csv'],
    ['text/csv;q=0.2, application/json;q=0.9', null, 'json'],
    ['text/html, */*;q=0.1', null, 'json'],
    ['text/csv', 'json', 'json'],
    [undefined, 'csv', 'csv'],
  ];
  for (const [accept, format, expected] of cases)
    assert.equal(resultFormat(accept, format), expected, `${accept} / ${format}`);
  assert.throws(() => resultFormat('image/png', null), { status: 406, code: 'not_acceptable' });
  assert.throws(() => resultFormat('text/csv;q=0', null), { status: 406 });
  assert.throws(() => resultFormat(undefined, 'xml'), { status: 400, code: 'bad_parameter' });
});
