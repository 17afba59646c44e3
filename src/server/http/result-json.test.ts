import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryResult } from '../../query/api.js';
import { csvResultChunks } from './result-csv.js';
import { jsonResultChunks } from './result-json.js';

function result(rows: number): QueryResult {
  return {
    fields: [
      { name: 'n', type: 'int8' },
      { name: 'label', type: 'text' },
    ],
    rows: Array.from({ length: rows }, (_, i) => [i, `row,${i}`]),
    command: `SELECT ${rows}`,
  };
}

test('JSON streamed in chunks is one document, whatever the chunk size', () => {
  for (const rows of [0, 1, 2, 5, 7]) {
    const whole = [...jsonResultChunks(result(rows), 1000)].join('');
    const doc = JSON.parse(whole);
    // The rows are built above: row i is [i, "row,i"].
    assert.deepEqual(
      doc.rows,
      Array.from({ length: rows }, (_, i) => [i, `row,${i}`]),
    );
    assert.equal(doc.stats, null, 'no stats: null, not missing');
    for (const chunk of [1, 2, 3]) assert.equal([...jsonResultChunks(result(rows), chunk)].join(''), whole);
  }
});

test('CSV streamed in chunks is the same text, whatever the chunk size', () => {
  for (const rows of [0, 1, 4]) {
    const whole = [...csvResultChunks(result(rows), 1000)].join('');
    // Header plus one CRLF-terminated record per row; the comma in "row,i" forces quotes.
    assert.equal(
      whole,
      `n,label\r\n${Array.from({ length: rows }, (_, i) => `${i},"row,${i}"\r\n`).join('')}`,
    );
    for (const chunk of [1, 3]) assert.equal([...csvResultChunks(result(rows), chunk)].join(''), whole);
  }
});
