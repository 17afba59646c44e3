import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQueries } from './explorer-sql.js';
import { defaultState } from './explorer-state.js';

// What the statements say; that they run and give the right numbers is test/portal-explorer-sql.test.ts.
const now = Date.UTC(2026, 0, 5, 10, 3, 20);

test('the table, total and series statements of a view', () => {
  const q = buildQueries(
    {
      ...defaultState,
      range: { kind: 'relative', preset: '5m' },
      dimensions: ['src_as', 'protocol'],
      filters: [{ column: 'dst_addr', op: '<<=', values: ['10.0.0.0/8'] }],
    },
    now,
  );
  const where =
    "WHERE i_start_time >= '2026-01-05T09:59:00.000Z'\n  AND i_start_time < '2026-01-05T10:04:00.000Z'\n  AND dst_addr <<= '10.0.0.0/8'";
  // 260 s: from 09:59:00 to now, 10:03:20.
  assert.equal(
    q.table,
    `SELECT src_as, protocol, sum(in_bytes) * 8 / 260.0 AS bits_per_s\nFROM all_devices\n${where}\nGROUP BY src_as, protocol\nORDER BY bits_per_s DESC NULLS LAST, src_as, protocol\nLIMIT 1000`,
  );
  assert.equal(q.total, `SELECT sum(in_bytes) * 8 / 260.0 AS bits_per_s\nFROM all_devices\n${where}`);
  assert.equal(
    q.series([
      [15169, 6],
      [13335, 17],
    ]),
    `SELECT time_bucket('60 seconds', i_start_time) AS bucket, src_as, protocol, sum(in_bytes) * 8 / 60.0 AS bits_per_s\nFROM all_devices\n${where}\n  AND ((src_as = 15169 AND protocol = 6) OR (src_as = 13335 AND protocol = 17))\nGROUP BY 1, 2, 3\nORDER BY 1`,
  );
  assert.match(
    q.bucketTotals ?? '',
    /^SELECT time_bucket\('60 seconds', i_start_time\) AS bucket, sum\(in_bytes\) \* 8 \/ 60\.0 AS bits_per_s\n/,
  );
});

test('non-additive metrics: no bucket totals; latency metrics keep rows with a measurement', () => {
  const q = buildQueries({ ...defaultState, metric: 'p95_appl_latency_ms', dimensions: ['http_host'] }, now);
  assert.equal(q.bucketTotals, undefined);
  assert.match(
    q.table,
    /percentile_cont\(0\.95\) WITHIN GROUP \(ORDER BY appl_latency_ms\) AS p95_appl_latency_ms/,
  );
  assert.match(q.table, /\n {2}AND appl_latency_ms > 0\n/);
  assert.match(q.series([["o'hara.example"]]), /http_host IN \('o''hara\.example'\)/);
  assert.match(q.series([]), /AND false\n/, 'no groups, no rows');
});
