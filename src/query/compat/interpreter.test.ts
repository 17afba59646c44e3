import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModule, parseSync } from 'libpg-query';
import type { QueryError } from '../errors.js';
import { describeCompat } from './index.js';
import { compat, newSession, run, testTables } from './test-helpers.js';

/** SQL semantics of the catalog interpreter, each checked against a brute-force answer from testTables. */
const names = testTables.map((t) => t.name);
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

test('WHERE, ORDER BY DESC, LIMIT and OFFSET', () => {
  const r = run(
    'select relname from pg_class where relnamespace = 2200 order by relname desc limit 2 offset 1',
  );
  assert.deepEqual(
    r.rows.map((x) => x[0]),
    [...names].sort(byCodePoint).reverse().slice(1, 3),
  );
});

test('LEFT JOIN keeps unmatched rows with NULLs; INNER JOIN drops them', () => {
  const left = run(
    'select c.relname, i.indexrelid from pg_class c left join pg_index i on i.indrelid = c.oid where c.relnamespace = 2200 order by 1',
  );
  assert.deepEqual(
    left.rows,
    [...names].sort(byCodePoint).map((n) => [n, null]),
  );
  const inner = run('select c.relname from pg_class c join pg_index i on i.indrelid = c.oid');
  assert.equal(inner.rows.length, 0);
});

test('GROUP BY with count(*) and HAVING', () => {
  const r = run(
    "select table_name, count(*) from information_schema.columns where table_schema = 'public' group by 1 having count(*) > 5 order by 1",
  );
  const expected = testTables
    .filter((t) => t.columns.length > 5)
    .map((t) => [t.name, t.columns.length])
    .sort((a, b) => byCodePoint(a[0] as string, b[0] as string));
  assert.deepEqual(r.rows, expected);
  assert.deepEqual(run("select count(*) from pg_class where relname = 'nope'").rows, [[0]]);
});

test('subqueries: IN, EXISTS, scalar, ARRAY; a scalar subquery of two rows is 21000', () => {
  const r = run(
    "select relname from pg_class where relnamespace in (select oid from pg_namespace where nspname = 'public') and exists (select 1 from pg_attribute a where a.attrelid = pg_class.oid and a.attname = 'id') order by 1",
  );
  assert.deepEqual(
    r.rows.map((x) => x[0]),
    testTables
      .filter((t) => t.columns.some((c) => c.name === 'id'))
      .map((t) => t.name)
      .sort(byCodePoint),
  );
  assert.deepEqual(
    run(
      "select (select nspname from pg_namespace where oid = 2200), array(select nspname from pg_namespace where nspname like 'p%' order by 1)",
    ).rows,
    [['public', '{pg_catalog,pg_toast,public}']],
  );
  assert.throws(
    () => run('select (select relname from pg_class)'),
    (e: QueryError) => e.code === '21000',
  );
});

test('UNION removes duplicates, UNION ALL keeps them; NULLs sort last ascending, first descending', () => {
  assert.deepEqual(run("select 'a' union select 'a' union all select 'b' order by 1").rows, [['a'], ['b']]);
  assert.deepEqual(run('select x from (values (2), (null), (1)) v(x) order by x').rows, [[1], [2], [null]]);
  assert.deepEqual(run('select x from (values (2), (null), (1)) v(x) order by x desc').rows, [
    [null],
    [2],
    [1],
  ]);
});

test('parameters, casts to regclass and back, LIKE and regular expressions', () => {
  assert.deepEqual(run('select relname from pg_class where relname = $1', newSession(), ['devices']).rows, [
    ['devices'],
  ]);
  assert.deepEqual(
    run(
      "select 'devices'::regclass::oid = (select oid from pg_class where relname = 'devices'), 'public.\"edge-1\"'::regclass",
    ).rows,
    [[true, '"edge-1"']],
  );
  assert.throws(
    () => run("select 'nosuch'::regclass"),
    (e: QueryError) => e.code === '42P01',
  );
  assert.deepEqual(run("select 'all_devices' like 'all\\_%', 'Devices' ~* '^dev', 'x' !~ 'y'").rows, [
    [true, true, true],
  ]);
});

test("routing: flow queries are the engine's; catalog and flow tables cannot be mixed", () => {
  assert.equal(compat('select src_as, sum(in_pkts) from all_devices group by 1'), undefined);
  assert.equal(compat("select now() - interval '5 min'"), undefined);
  assert.equal(compat("select date_trunc('hour', now())"), undefined);
  assert.deepEqual(run('select 1 + 2 as three').rows, [[3]]);
  assert.throws(
    () => compat('select * from all_devices, pg_class'),
    (e: QueryError) => e.code === '0A000',
  );
  assert.throws(
    () => run('select * from pg_catalog.pg_nonexistent'),
    (e: QueryError) => e.code === '42P01',
  );
  assert.throws(
    () => run('select nosuch_fn() from pg_class'),
    (e: QueryError) => e.code === '42883',
  );
});

test('describeCompat gives the fields answerCompat returns, without running SET', async () => {
  await loadModule();
  const session = newSession();
  for (const sql of [
    'select c.oid, c.relname, c.relkind from pg_class c where c.relname = $1',
    'show search_path',
    'set application_name = x',
  ]) {
    const stmt = parseSync(sql).stmts![0]!.stmt;
    const described = describeCompat(stmt, { session, tables: testTables, sql })!;
    const answered = run(sql, newSession(), ['devices']);
    assert.deepEqual(described.fields, answered.fields);
  }
  assert.equal(session.settings.size, 0);
});

test('positions out of range are 42P10, a negative LIMIT 2201W and OFFSET 2201X, as in PostgreSQL', () => {
  // PostgreSQL: findTargetlistEntrySQL92 (invalid_column_reference) and nodeLimit.c
  // (invalid_row_count_in_limit_clause, invalid_row_count_in_result_offset_clause).
  const cases: [string, string, RegExp][] = [
    ['select relname from pg_class order by 2', '42P10', /^ORDER BY position 2 is not in select list$/],
    [
      'select relkind, count(*) from pg_class group by 3',
      '42P10',
      /^GROUP BY position 3 is not in select list$/,
    ],
    ['select relname from pg_class limit -1', '2201W', /^LIMIT must not be negative$/],
    ['select relname from pg_class offset -1', '2201X', /^OFFSET must not be negative$/],
    ["select 'a' ~ '('", '2201B', /^invalid regular expression/],
    ['select $3::text', '42P02', /^there is no parameter \$3$/],
  ];
  for (const [sql, code, message] of cases)
    assert.throws(
      () => run(sql),
      (e: QueryError) => e.code === code && message.test(e.message),
      sql,
    );
});
