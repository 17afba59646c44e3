import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../plan/plan.js';
import { agg, col, fn, key, num, plan, planOf, text } from './testing.js';

const hourOf = fn('date_trunc', 'timestamptz', text('hour'), col('i_start_time', 'timestamptz'));

test('GROUP BY a column, a position, an output alias, an expression', () => {
  for (const sql of [
    'SELECT src_as, count(*) FROM all_devices GROUP BY src_as',
    'SELECT src_as, count(*) FROM all_devices GROUP BY 1',
    'SELECT src_as AS asn, count(*) FROM all_devices GROUP BY asn',
  ]) {
    const p = planOf(sql);
    assert.deepEqual(p.groupBy, [col('src_as', 'int8')], sql);
    assert.deepEqual(p.output[0]!.expr, key(0, 'int8'), sql);
  }
  const p = planOf('SELECT src_as / 1000, count(*) FROM all_devices GROUP BY src_as / 1000');
  assert.deepEqual(p.groupBy, [fn('div', 'int8', col('src_as', 'int8'), num(1000, 'int8'))]);
  assert.deepEqual(p.output[0]!.expr, key(0, 'int8'));
});

test('GROUP BY prefers an input column to an output alias, as PostgreSQL does', () => {
  // "protocol" is both a column and the alias of src_as: the column wins, so src_as is ungrouped.
  const p = planOf('SELECT protocol AS proto, count(*) FROM all_devices GROUP BY protocol');
  assert.deepEqual(p.groupBy, [col('protocol', 'int2')]);
});

test('time buckets: date_trunc and time_bucket', () => {
  const p = planOf(
    "SELECT date_trunc('hour', i_start_time) AS h, sum(in_bytes) FROM all_devices GROUP BY h ORDER BY h",
  );
  assert.deepEqual(p.groupBy, [hourOf]);
  assert.deepEqual(p.orderBy, [{ expr: key(0, 'timestamptz'), descending: false, nullsFirst: false }]);
  // The unit is case-insensitive and arrives lower-cased.
  assert.deepEqual(
    planOf("SELECT date_trunc('HOUR', i_start_time), count(*) FROM all_devices GROUP BY 1").groupBy,
    [hourOf],
  );
  const b = planOf("SELECT time_bucket('5 minutes', i_start_time), count(*) FROM all_devices GROUP BY 1");
  assert.deepEqual(b.groupBy, [
    fn(
      'time_bucket',
      'timestamptz',
      { kind: 'const', type: 'interval', value: 300_000 },
      col('i_start_time', 'timestamptz'),
    ),
  ]);
});

test('HAVING and ORDER BY may use aggregates outside the select list', () => {
  const p = planOf(
    'SELECT src_as FROM all_devices GROUP BY src_as HAVING sum(in_bytes) > 1000 ORDER BY count(*) DESC NULLS LAST',
  );
  assert.deepEqual(
    p.aggregates.map((a) => a.fn),
    ['sum', 'count'],
  );
  assert.deepEqual(
    p.having,
    fn('gt', 'bool', agg(0, 'numeric'), { kind: 'const', type: 'numeric', value: 1000 }),
  );
  assert.deepEqual(p.orderBy, [{ expr: agg(1, 'int8'), descending: true, nullsFirst: false }]);
  // HAVING alone makes an aggregate query of one group.
  const h = planOf('SELECT 1 FROM all_devices HAVING count(*) > 0');
  assert.equal(h.aggregate, true);
  assert.deepEqual(h.groupBy, []);
});

test('ORDER BY output names (even generated ones), positions, expressions, NULLS FIRST', () => {
  const p = planOf(
    'SELECT src_as, count(*) FROM all_devices GROUP BY 1 ORDER BY count, 1 DESC, src_as + 1 NULLS FIRST',
  );
  assert.deepEqual(
    p.orderBy.map((o) => [o.expr, o.descending, o.nullsFirst]),
    [
      [agg(0, 'int8'), false, false],
      [key(0, 'int8'), true, true],
      [fn('add', 'int8', key(0, 'int8'), num(1, 'int8')), false, true],
    ],
  );
  // A plain query orders by per-row expressions, which need not be selected.
  const plain = planOf('SELECT src_addr FROM all_devices ORDER BY in_bytes DESC LIMIT 5');
  assert.equal(plain.aggregate, false);
  assert.deepEqual(plain.orderBy[0]!.expr, col('in_bytes', 'int8'));
  assert.deepEqual(plain.columns, ['src_addr', 'in_bytes']);
});

test('LIMIT, OFFSET, LIMIT ALL, FETCH FIRST', () => {
  const cases: [string, number | undefined, number][] = [
    ['LIMIT 10', 10, 0],
    ['LIMIT 10 OFFSET 5', 10, 5],
    ['LIMIT ALL OFFSET 3', undefined, 3],
    ['LIMIT NULL', undefined, 0],
    ['FETCH FIRST 3 ROWS ONLY', 3, 0],
    ['OFFSET 2 ROWS FETCH NEXT 1 ROW ONLY', 1, 2],
    ['LIMIT 2 + 3', 5, 0],
  ];
  for (const [clause, limit, offset] of cases) {
    const p = planOf(`SELECT src_as FROM all_devices ${clause}`);
    assert.equal(p.limit, limit, clause);
    assert.equal(p.offset, offset, clause);
  }
});

test('SELECT DISTINCT groups by every output', () => {
  const p = planOf('SELECT DISTINCT src_as, protocol FROM all_devices ORDER BY protocol');
  assert.equal(p.aggregate, true);
  assert.deepEqual(p.groupBy, [col('src_as', 'int8'), col('protocol', 'int2')]);
  assert.deepEqual(p.aggregates, []);
  assert.deepEqual(
    p.output.map((o) => o.expr),
    [key(0, 'int8'), key(1, 'int2')],
  );
  assert.deepEqual(p.orderBy[0]!.expr, key(1, 'int2'));
});

test('tables: all_devices, one per device (quoted names keep case), devices, schema public', () => {
  assert.deepEqual(planOf('SELECT count(*) FROM edge1').source, { kind: 'flows', devices: [7] });
  assert.deepEqual(planOf('SELECT count(*) FROM EDGE1').source, { kind: 'flows', devices: [7] });
  assert.deepEqual(planOf('SELECT count(*) FROM "Core-Router"').source, { kind: 'flows', devices: [9] });
  assert.deepEqual(planOf('SELECT count(*) FROM public.all_devices').source, {
    kind: 'flows',
    devices: undefined,
  });
  // columns are listed in schema order.
  assert.deepEqual(planOf('SELECT a.src_as FROM all_devices AS a WHERE a.protocol = 6').columns, [
    'protocol',
    'src_as',
  ]);
  const d = plan('SELECT name, flows FROM devices WHERE flows > 0 ORDER BY last_seen DESC');
  assert.deepEqual(d.plan.source, { kind: 'devices' });
  assert.deepEqual(d.fields, [
    { name: 'name', type: 'text' },
    { name: 'flows', type: 'int8' },
  ]);
  assert.deepEqual(d.plan.where, fn('gt', 'bool', col('flows', 'int8'), num(0)));
  assert.deepEqual(d.plan.columns, ['name', 'flows', 'last_seen']);
  assert.equal(d.plan.rollupEligible, false);
});

test('identifiers fold to lower case unless double-quoted', () => {
  const e: Expr = planOf('SELECT SRC_AS FROM ALL_DEVICES').output[0]!.expr;
  assert.deepEqual(e, col('src_as', 'int8'));
});

test('GROUP BY () is one group; a constant key groups (no rows give no group)', () => {
  const empty = planOf('SELECT count(*) FROM all_devices GROUP BY ()');
  assert.equal(empty.aggregate, true);
  assert.deepEqual(empty.groupBy, []);
  // PostgreSQL returns no row for GROUP BY 'a' over an empty table but one for GROUP BY ().
  const constant = planOf("SELECT 'a' FROM all_devices GROUP BY 1");
  assert.equal(constant.aggregate, true);
  assert.deepEqual(constant.groupBy, [text('a')]);
  assert.deepEqual(constant.output[0]!.expr, text('a'));
  // Without FROM, aggregates run over the one row there is.
  const none = planOf('SELECT count(*)');
  assert.deepEqual(none.source, { kind: 'none' });
  assert.equal(none.aggregate, true);
});

test('date casts truncate to the day, as a timestamptz', () => {
  const p = planOf("SELECT '2026-11-21 10:00'::date, i_start_time::date FROM all_devices");
  assert.deepEqual(p.output[0]!.expr, { kind: 'const', type: 'timestamptz', value: Date.UTC(2026, 10, 21) });
  assert.deepEqual(
    p.output[1]!.expr,
    fn('date_trunc', 'timestamptz', text('day'), col('i_start_time', 'timestamptz')),
  );
});
