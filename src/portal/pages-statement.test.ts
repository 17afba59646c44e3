import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statementText } from './pages-statement.js';

test('statementText writes the parameters in as literals', () => {
  assert.equal(
    statementText({
      sql: 'SELECT 1 FROM t WHERE a = $1 AND b >= $2 AND c = $10 AND d = $3',
      params: ["it's", '2026-01-05T10:00:00.000Z', 7, 4, 5, 6, 7, 8, 9, 42],
    }),
    "SELECT 1 FROM t WHERE a = 'it''s' AND b >= '2026-01-05T10:00:00.000Z' AND c = 42 AND d = 7",
  );
  assert.equal(statementText({ sql: 'SELECT $2', params: [] }), 'SELECT $2');
});
