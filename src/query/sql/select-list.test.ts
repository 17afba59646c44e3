import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowFields } from '../tables.js';
import { agg, col, fn, key, NOW, num, plan, planOf } from './testing.js';

// Expected names and types are PostgreSQL 15's for the same expressions over a table with the
// flow columns' SQL types (u8 → smallint, u16 → integer, u32/u64 → bigint, addr → inet, …).

test('SELECT * lists every flow column in schema order', () => {
  const { fields, plan: p } = plan('SELECT * FROM all_devices');
  assert.deepEqual(fields, flowFields);
  assert.equal(p.aggregate, false);
  assert.deepEqual(
    p.columns,
    flowFields.map((f) => f.name),
  );
});

test('aggregates have PostgreSQL result types and function names', () => {
  const { fields, plan: p } = plan(
    `SELECT count(*), count(src_addr), count(DISTINCT src_addr), approx_count_distinct(dst_addr),
       sum(protocol), sum(l4_dst_port), sum(in_bytes), avg(protocol), avg(in_bytes), min(src_addr),
       max(i_device_name), percentile_cont(0.5) WITHIN GROUP (ORDER BY appl_latency_ms),
       sum(in_bytes) / count(*)
     FROM all_devices`,
  );
  assert.deepEqual(
    fields.map((f) => `${f.name}:${f.type}`),
    [
      'count:int8',
      'count:int8',
      'count:int8',
      'approx_count_distinct:int8',
      'sum:int8', // sum(smallint) is bigint
      'sum:int8', // sum(integer) is bigint
      'sum:numeric', // sum(bigint) is numeric
      'avg:numeric',
      'avg:numeric',
      'min:inet',
      'max:text',
      'percentile_cont:float8',
      '?column?:numeric', // numeric / bigint → numeric
    ],
  );
  // count(src_addr) of a never-NULL column counts rows: the same aggregate as count(*).
  assert.deepEqual(p.aggregates[0], { fn: 'count', arg: undefined, type: 'int8' });
  assert.equal(p.output[1]!.expr.kind === 'agg' && p.output[1]!.expr.index, 0);
  assert.deepEqual(p.aggregates[1], { fn: 'count_distinct', arg: col('src_addr', 'inet'), type: 'int8' });
  const percentile = p.aggregates.find((a) => a.fn === 'percentile_cont')!;
  assert.equal(percentile.fraction, 0.5);
  assert.deepEqual(percentile.arg, col('appl_latency_ms', 'int8'));
  // sum(in_bytes) / count(*): per-group division over two aggregates, bigint cast to numeric.
  const sumIndex = p.aggregates.findIndex((a) => a.fn === 'sum' && a.type === 'numeric');
  assert.deepEqual(
    p.output[12]!.expr,
    fn('div', 'numeric', agg(sumIndex, 'numeric'), fn('cast', 'numeric', agg(0, 'int8'))),
  );
});

test('FILTER, DISTINCT and descending WITHIN GROUP', () => {
  const p = planOf(
    `SELECT sum(in_pkts) FILTER (WHERE protocol = 6),
            percentile_cont(0.9) WITHIN GROUP (ORDER BY appl_latency_ms DESC)
     FROM all_devices`,
  );
  assert.deepEqual(p.aggregates[0], {
    fn: 'sum',
    arg: col('in_pkts', 'int8'),
    filter: fn('eq', 'bool', col('protocol', 'int2'), num(6)),
    type: 'numeric',
  });
  // The 90th percentile counted from the top is the 10th from the bottom.
  assert.ok(Math.abs(p.aggregates[1]!.fraction! - 0.1) < 1e-12);
});

test('the same aggregate written twice is computed once', () => {
  const p = planOf('SELECT sum(in_bytes), sum(in_bytes) * 2 FROM all_devices ORDER BY sum(in_bytes)');
  assert.equal(p.aggregates.length, 1);
  assert.deepEqual(p.orderBy[0]!.expr, agg(0, 'numeric'));
});

test('output names follow PostgreSQL: alias, column, function, cast type, ?column?', () => {
  const { fields } = plan(
    `SELECT src_as AS "AS", x.protocol, now(), current_timestamp, date_trunc('hour', i_start_time),
       interval '5 min', '10.0.0.0/8'::cidr, src_as::text, coalesce(src_as, 1), greatest(protocol, 1),
       CASE WHEN protocol = 6 THEN 'tcp' ELSE 'other' END, 1 + 2, protocol = 6, true, 'x', NULL,
       extract(hour FROM i_start_time), date_part('hour', i_start_time), host(src_addr), masklen(src_addr),
       lower(i_device_name), i_device_name || '/' || protocol, time_bucket('5 minutes', i_start_time)
     FROM all_devices x GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23`,
  );
  assert.deepEqual(
    fields.map((f) => `${f.name}:${f.type}`),
    [
      'AS:int8',
      'protocol:int2',
      'now:timestamptz',
      'current_timestamp:timestamptz',
      'date_trunc:timestamptz',
      'interval:interval',
      'cidr:cidr',
      'src_as:text',
      'coalesce:int8',
      'greatest:int4', // smallint and integer meet as integer
      'case:text',
      '?column?:int4',
      '?column?:bool',
      '?column?:bool',
      '?column?:text',
      '?column?:text',
      'extract:numeric', // numeric since PostgreSQL 14
      'date_part:float8',
      'host:text',
      'masklen:int4',
      'lower:text',
      '?column?:text',
      'time_bucket:timestamptz',
    ],
  );
});

test('arithmetic result types widen like PostgreSQL', () => {
  const { fields } = plan(
    `SELECT protocol + protocol, protocol + 1, l4_dst_port / 2, src_as * 2, in_bytes * 1.5,
       in_bytes / 2.0::float8, -protocol, abs(protocol), round(5), floor(in_bytes), 7 % 3,
       i_start_time - interval '1 hour', i_start_time - i_start_time
     FROM all_devices`,
  );
  assert.deepEqual(
    fields.map((f) => f.type),
    [
      'int2',
      'int4',
      'int4',
      'int8',
      'numeric',
      'float8',
      'int2',
      'int2',
      'float8',
      'float8',
      'int4',
      'timestamptz',
      'interval',
    ],
  );
});

test('SELECT without FROM folds to constants from no source', () => {
  for (const [sql, name, type, value] of [
    ['SELECT 1', '?column?', 'int4', 1],
    ['SELECT 1 + 2 AS x', 'x', 'int4', 3],
    ['SELECT now()', 'now', 'timestamptz', NOW],
    ['SELECT 7 / 2', '?column?', 'int4', 3], // integer division truncates
    ['SELECT -7 / 2', '?column?', 'int4', -3],
    ['SELECT 1.5 * 2', '?column?', 'numeric', 3],
    ['SELECT 10000000000', '?column?', 'int8', 1e10], // too large for integer: bigint
    ["SELECT upper('ab') || 1", '?column?', 'text', 'AB1'],
    ["SELECT host('10.1.2.3/8'::inet)", 'host', 'text', '10.1.2.3'],
    ["SELECT '10.1.2.3/8'::inet::text", 'text', 'text', '10.1.2.3/8'],
    ["SELECT '10.0.0.1'::inet << '10.0.0.0/8'", '?column?', 'bool', true],
    ["SELECT length('héllo')", 'length', 'int4', 5],
    ['SELECT NULL::int + 1', '?column?', 'int4', null],
  ] as const) {
    const { plan: p, fields } = plan(sql);
    assert.deepEqual(p.source, { kind: 'none' }, sql);
    assert.equal(p.aggregate, false, sql);
    assert.deepEqual(fields, [{ name, type }], sql);
    assert.deepEqual(p.output[0]!.expr, { kind: 'const', type, value }, sql);
  }
});

test('grouped select lists refer to keys', () => {
  const p = planOf('SELECT src_as + 1, count(*) FROM all_devices GROUP BY src_as');
  // The integer constant is widened to the key's type, as the executor wants matching operands.
  assert.deepEqual(p.output[0]!.expr, fn('add', 'int8', key(0, 'int8'), num(1, 'int8')));
});
