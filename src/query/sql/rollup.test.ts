import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planOf } from './testing.js';

// Rollup rows hold one combination of dimensions per hour or day with measures summed: the
// queries the rollups answer exactly are those over dimensions with sums and counts.
const eligible = (sql: string) => planOf(sql).rollupEligible;

test('rollup-eligible queries', () => {
  for (const sql of [
    'SELECT src_as, sum(in_bytes), count(*) FROM all_devices GROUP BY src_as',
    "SELECT date_trunc('day', i_start_time), sum(out_pkts) FROM all_devices WHERE i_start_time > now() - interval '30 days' GROUP BY 1",
    "SELECT time_bucket('2 hours', i_start_time), protocol, sum(in_bytes) FROM all_devices WHERE protocol IN (6, 17) GROUP BY 1, 2",
    'SELECT count(DISTINCT dst_as), approx_count_distinct(src_as), min(input_port), max(dst_geo) FROM edge1',
    "SELECT i_device_name, sum(in_bytes) FILTER (WHERE app_protocol = 'dns') FROM all_devices GROUP BY 1 HAVING sum(in_bytes) > 0",
  ]) {
    assert.equal(eligible(sql), true, sql);
  }
});

test('queries the rollups cannot answer', () => {
  for (const sql of [
    'SELECT src_addr, sum(in_bytes) FROM all_devices GROUP BY 1', // addresses are not rolled up
    "SELECT date_trunc('minute', i_start_time), count(*) FROM all_devices GROUP BY 1", // finer than an hour
    "SELECT time_bucket('90 minutes', i_start_time), count(*) FROM all_devices GROUP BY 1", // not whole hours
    'SELECT max(in_bytes) FROM all_devices', // the largest hourly sum is not the largest flow
    'SELECT avg(in_bytes) FROM all_devices',
    'SELECT sum(in_bytes) FROM all_devices WHERE in_bytes > 1000', // a filter on a summed value
    'SELECT sum(in_bytes * 8) FROM all_devices',
    'SELECT src_as FROM all_devices', // rows, not groups
    "SELECT count(*) FROM all_devices WHERE i_start_time > now() - interval '1 day' OR src_as = 1",
    'SELECT min(i_start_time) FROM all_devices',
    'SELECT count(*) FROM devices',
  ]) {
    assert.equal(eligible(sql), false, sql);
  }
});
