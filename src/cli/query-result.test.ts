import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryResult } from '../query/api.js';
import { formatInterval } from '../query/text-format.js';
import { jsonResultChunks } from '../server/http/result-json.js';
import { decodeJsonResult, parseInterval } from './query-result.js';

test('a result survives the REST JSON form: the CLI decodes what the server encodes', () => {
  const original: QueryResult = {
    fields: [
      { name: 'big', type: 'int8' },
      { name: 'sum', type: 'numeric' },
      { name: 'x', type: 'float8' },
      { name: 't', type: 'timestamptz' },
      { name: 'age', type: 'interval' },
      { name: 'addr', type: 'inet' },
      { name: 'ok', type: 'bool' },
    ],
    rows: [
      [
        2n ** 62n,
        10n ** 30n,
        Number.NEGATIVE_INFINITY,
        Date.UTC(2026, 5, 1, 12, 30, 0, 5),
        -3_600_000,
        '::1',
        true,
      ],
      [42, 0.25, Number.NaN, 0, 86_400_000 * 3 + 1, '10.0.0.1', false],
      [null, null, null, null, null, null, null],
    ],
    command: 'SELECT 3',
    stats: { jobs: 1, memoHits: 0, rowsScanned: 9, resolution: 'minute', elapsedMs: 1 },
  };
  const decoded = decodeJsonResult(JSON.parse([...jsonResultChunks(original)].join('')));
  assert.deepEqual(decoded, original);
});

test('parseInterval inverts formatInterval', () => {
  // Random ms over ±1000 days, and the edges; the oracle is the identity.
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const values = [0, 1, -1, 999, 60_000, 86_400_000, -86_400_000 - 1500];
  for (let i = 0; i < 500; i++) values.push(Math.round((next() - 0.5) * 2 * 1000 * 86_400_000));
  for (const ms of values) assert.equal(parseInterval(formatInterval(ms)), ms, formatInterval(ms));
  assert.ok(Number.isNaN(parseInterval('5 minutes')));
});
