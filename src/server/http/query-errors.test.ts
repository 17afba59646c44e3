import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError, SqlState } from '../../query/errors.js';
import { queryHttpError, queryHttpStatus } from './query-errors.js';

test('SQLSTATEs map to HTTP statuses by class, as docs/rest.md lists', () => {
  const expected: Record<string, number> = {
    '42601': 400,
    '0A000': 400,
    '42P01': 400,
    '42703': 400,
    '42883': 400,
    '42804': 400,
    '42803': 400,
    '42702': 400,
    '22P02': 400,
    '22023': 400,
    '22012': 400,
    '22003': 400,
    '22008': 400,
    '54000': 400,
    '54001': 400,
    '53300': 503,
    '53400': 429,
    '57014': 504,
    '57P01': 503,
    '28P01': 401,
    '28000': 401,
    '08P01': 400,
    '26000': 400,
    '42704': 400,
    '25001': 400,
    '58030': 500,
    XX001: 500,
    XX000: 500,
  };
  for (const [code, status] of Object.entries(expected)) assert.equal(queryHttpStatus(code), status, code);
  // Codes added to errors.ts later: a client's mistake is a 4xx; 5xx only for resources (53),
  // operator intervention (57), system (58) and internal (XX) errors.
  for (const code of Object.values(SqlState)) {
    const status = queryHttpStatus(code);
    if (status >= 500) assert.ok(['53', '57', '58', 'XX'].includes(code.slice(0, 2)), `${code}: ${status}`);
  }
  assert.equal(queryHttpStatus('55P02'), 400, 'cannot change a parameter now');
  assert.equal(queryHttpStatus('42501'), 400, 'insufficient privilege');
});

test('the error body carries position, detail and hint; limits say when to retry', () => {
  const err = queryHttpError(
    new QueryError(SqlState.undefinedColumn, 'column "x" does not exist', { position: 8, hint: 'h' }),
  );
  assert.deepEqual([err.status, err.code, err.extra], [400, '42703', { position: 8, hint: 'h' }]);
  const limit = queryHttpError(
    new QueryError(SqlState.configurationLimitExceeded, 'slow down', { retryAfterMs: 10 }),
  );
  assert.equal(limit.headers['retry-after'], '1', 'at least one second');
  assert.equal(
    queryHttpError(new QueryError(SqlState.invalidPassword, 'no')).headers['www-authenticate'] !== undefined,
    true,
  );
});
