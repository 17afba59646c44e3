import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agg, col, fn, key, NOW, plan } from './testing.js';

test('the seed query plans exactly as the issue states it', () => {
  const sql =
    "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";
  const { plan: p, fields, paramTypes } = plan(sql);
  // src_as is u32 → int8; sum(int8) is numeric in PostgreSQL.
  assert.deepEqual(fields, [
    { name: 'src_as', type: 'int8' },
    { name: 'f_sum_in_pkts', type: 'numeric' },
  ]);
  assert.deepEqual(paramTypes, []);
  assert.deepEqual(p.source, { kind: 'flows', devices: undefined });
  // now() - interval '5 min' folds to one constant: 10:02:30.
  const cutoff = NOW - 5 * 60_000;
  assert.deepEqual(
    p.where,
    fn('ge', 'bool', col('i_start_time', 'timestamptz'), {
      kind: 'const',
      type: 'timestamptz',
      value: cutoff,
    }),
  );
  assert.equal(p.aggregate, true);
  assert.deepEqual(p.groupBy, [col('src_as', 'int8')]);
  assert.deepEqual(p.aggregates, [{ fn: 'sum', arg: col('in_pkts', 'int8'), type: 'numeric' }]);
  assert.deepEqual(p.output, [
    { name: 'src_as', expr: key(0, 'int8') },
    { name: 'f_sum_in_pkts', expr: agg(0, 'numeric') },
  ]);
  // DESC puts NULLs first by default.
  assert.deepEqual(p.orderBy, [{ expr: agg(0, 'numeric'), descending: true, nullsFirst: true }]);
  assert.equal(p.limit, 10);
  assert.equal(p.offset, 0);
  // i_start_time values are minute starts: >= 10:02:30 reads minutes from 10:03 on.
  assert.equal(p.from, Date.UTC(2026, 10, 21, 10, 3));
  assert.equal(p.to, Number.POSITIVE_INFINITY);
  assert.deepEqual(p.columns.slice().sort(), ['i_start_time', 'in_pkts', 'src_as']);
  // src_as a dimension, in_pkts a measure summed, time only as a range.
  assert.equal(p.rollupEligible, true);
});
