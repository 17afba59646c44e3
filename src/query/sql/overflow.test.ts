import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError } from '../errors.js';
import { runSql, tinyJob } from './run-testing.js';
import { planError } from './testing.js';

// tos 184 and l4_dst_port 60000 on the second row: in range as stored, not once multiplied.
const job = tinyJob({ tos: [0, 184], l4_dst_port: [80, 60000], src_as: [1, 2] });

const code = (sql: string): string => {
  try {
    runSql(sql, job);
    return 'no error';
  } catch (err) {
    assert.ok(err instanceof QueryError, String(err));
    return err.code;
  }
};

test('integer arithmetic past its type raises 22003, per row and per group', () => {
  // PostgreSQL: smallint * smallint is smallint, so 184 * 184 = 33856 is out of range.
  assert.equal(code('SELECT tos * tos FROM all_devices'), '22003');
  assert.equal(code('SELECT max(tos * tos) FROM all_devices'), '22003');
  // integer * integer: 60000 * 100000 overflows int4; in int8 it does not.
  assert.equal(code('SELECT count(*) FROM all_devices WHERE l4_dst_port * 100000 > 0'), '22003');
  assert.deepEqual(runSql('SELECT max(l4_dst_port * 100000::int8) FROM all_devices', job), [[6_000_000_000]]);
  // Per group: count(*) is bigint; 2 * 5e18 passes 2^63.
  assert.equal(code('SELECT count(*) * 5000000000000000000 FROM all_devices'), '22003');
  assert.equal(code('SELECT -(max(l4_dst_port) * 40000) FROM all_devices'), '22003');
});

test('abs() of the smallest integer is out of range when folded too', () => {
  assert.equal(planError('SELECT abs((-2147483648)::int4) FROM all_devices').code, '22003');
});
