import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, planError, planOf } from './testing.js';

// Codes, messages and positions are PostgreSQL 15's for the same statements (checked against a
// real server while writing these), except where noted: flowlens reports type errors of operators
// and aggregates it does not run as 42804 (PostgreSQL: 42883 when it has no such operator).

test('unknown tables, columns, functions', () => {
  assertError('SELECT 1 FROM nope', '42P01', 'nope', /^relation "nope" does not exist$/);
  assertError('SELECT 1 FROM flowlens.all_devices', '42P01', 'flowlens', /relation "flowlens.all_devices"/);
  assertError('SELECT nope FROM all_devices', '42703', 'nope', /^column "nope" does not exist$/);
  assertError(
    'SELECT x.src_as FROM all_devices',
    '42P01',
    'x.src_as',
    /missing FROM-clause entry for table "x"/,
  );
  assertError('SELECT src_as FROM all_devices WHERE alias_not_here > 1', '42703', 'alias_not_here');
  assertError('SELECT foo(1)', '42883', 'foo', /^function foo\(integer\) does not exist$/);
  assertError('SELECT SRC_AS FROM "ALL_DEVICES"', '42P01', '"ALL_DEVICES"');
  // Positions count characters, not bytes (PostgreSQL: 17).
  assertError("SELECT 'é' FROM é", '42P01', 17, /relation "é"/);
});

test('type errors (42804)', () => {
  assertError(
    'SELECT src_addr + 1 FROM all_devices',
    '42804',
    '+ 1',
    /operator does not exist: inet \+ integer/,
  );
  assertError('SELECT sum(src_addr) FROM all_devices', '42804', 'sum', /function sum\(inet\) does not exist/);
  assertError(
    'SELECT 1 FROM all_devices WHERE in_bytes',
    '42804',
    'in_bytes',
    /argument of WHERE must be type boolean, not type bigint/,
  );
  assertError("SELECT 1 FROM all_devices WHERE src_addr LIKE '10.%'", '42804', "LIKE '", /inet ~~ unknown/);
  assertError('SELECT i_device_name + 1 FROM all_devices', '42804', '+ 1', /text \+ integer/);
  assertError('SELECT 1 FROM all_devices WHERE src_as = src_addr', '42804', '= src_addr', /bigint = inet/);
  assertError('SELECT avg(i_device_name) FROM all_devices', '42804', 'avg');
  assertError('SELECT src_addr::int FROM all_devices', '42804', '::int', /cannot cast type inet to integer/);
  assertError(
    'SELECT CASE WHEN true THEN 1 ELSE src_addr END FROM all_devices',
    '42804',
    'src_addr END',
    /CASE types/,
  );
});

test('grouping errors (42803)', () => {
  assertError(
    'SELECT src_as, count(*) FROM all_devices',
    '42803',
    'src_as,',
    /^column "all_devices.src_as" must appear in the GROUP BY clause or be used in an aggregate function$/,
  );
  assertError('SELECT a.protocol FROM all_devices a GROUP BY src_as', '42803', 'a.protocol', /"a.protocol"/);
  assertError(
    'SELECT count(*) FROM all_devices GROUP BY 1',
    '42803',
    'count',
    /aggregate functions are not allowed in GROUP BY/,
  );
  assertError('SELECT 1 FROM all_devices WHERE count(*) > 1', '42803', 'count', /not allowed in WHERE/);
  assertError('SELECT sum(count(*)) FROM all_devices', '42803', 'count', /cannot be nested/);
  // PostgreSQL (parse_clause.c, addTargetToSortList) raises this one as invalid_column_reference.
  assertError(
    'SELECT DISTINCT src_as FROM all_devices ORDER BY protocol',
    '42P10',
    'protocol',
    /SELECT DISTINCT/,
  );
});

test('bad literals (22P02) and out-of-range values', () => {
  assertError(
    "SELECT '10.0.0.300'::inet",
    '22P02',
    "'10.0.0.300'",
    /invalid input syntax for type inet: "10.0.0.300"/,
  );
  assertError("SELECT inet '10.0.0.300'", '22P02', "'10.0.0.300'");
  assertError("SELECT 1 FROM all_devices WHERE src_addr = '10.0.0.300'", '22P02', "'10.0.0.300'");
  assertError("SELECT '10.1.0.0/8'::cidr", '22P02', "'10.1", /invalid cidr value/);
  assertError("SELECT 1 FROM all_devices WHERE protocol = 'abc'", '22P02', "'abc'", /type smallint: "abc"/);
  assertError("SELECT 1 FROM all_devices WHERE i_start_time > 'yesterday-ish'", '22P02', "'yesterday");
  assertError("SELECT interval 'five minutes'", '22P02', "'five");
  assertError("SELECT 1 FROM all_devices WHERE i_start_time > '2026-02-30'", '22008', "'2026");
  assertError('SELECT 70000::int2', '22003', undefined, /smallint out of range/);
  assertError('SELECT 2147483647 + 1', '22003', undefined, /integer out of range/);
  assertError('SELECT 1 / 0', '22012', undefined, /division by zero/);
  assertError(
    'SELECT percentile_cont(2) WITHIN GROUP (ORDER BY in_bytes) FROM all_devices',
    '22003',
    '2)',
    /percentile value 2/,
  );
  assertError(
    "SELECT date_trunc('fortnight', i_start_time) FROM all_devices",
    '22023',
    "'fortnight'",
    /unit "fortnight"/,
  );
});

test('ORDER BY and LIMIT errors', () => {
  // PostgreSQL's findTargetlistEntrySQL92: a position out of range is 42P10
  // (invalid_column_reference), pointing at the number.
  assertError(
    'SELECT 1 FROM all_devices ORDER BY 5',
    '42P10',
    '5',
    /ORDER BY position 5 is not in select list/,
  );
  assertError(
    'SELECT src_as, count(*) FROM all_devices GROUP BY 3',
    '42P10',
    '3',
    /GROUP BY position 3 is not in select list/,
  );
  assertError(
    'SELECT protocol AS a, src_as AS a FROM all_devices ORDER BY a',
    '42702',
    61,
    /^ORDER BY "a" is ambiguous$/,
  );
  // PostgreSQL's nodeLimit.c: 2201W (invalid_row_count_in_limit_clause) for LIMIT, 2201X
  // (invalid_row_count_in_result_offset_clause) for OFFSET.
  assertError('SELECT 1 FROM all_devices LIMIT -1', '2201W', '-1', /^LIMIT must not be negative$/);
  assertError('SELECT 1 FROM all_devices OFFSET -2', '2201X', '-2', /^OFFSET must not be negative$/);
  assertError(
    "SELECT count(*) FROM all_devices GROUP BY 'a'",
    '42601',
    "'a'",
    /non-integer constant in GROUP BY/,
  );
  assertError(
    "SELECT src_as FROM all_devices ORDER BY 'a'",
    '42601',
    "'a'",
    /non-integer constant in ORDER BY/,
  );
  // PostgreSQL's checkExprIsVarFree: 42P10, at the first column the argument mentions.
  assertError(
    'SELECT src_as FROM all_devices LIMIT src_as',
    '42P10',
    38,
    /^argument of LIMIT must not contain variables$/,
  );
  assertError(
    'SELECT src_as FROM all_devices OFFSET 1 + dst_as',
    '42P10',
    'dst_as',
    /^argument of OFFSET must not contain variables$/,
  );
});

test('unsupported constructs (0A000) name themselves', () => {
  const cases: [string, string | number, RegExp][] = [
    ['SELECT 1 FROM all_devices a JOIN devices b ON true', 'all_devices a', /joins/],
    ['SELECT 1 FROM all_devices, devices', 28, /joins/],
    ['SELECT (SELECT 1)', '(SELECT', /subqueries/],
    ['SELECT 1 FROM all_devices WHERE src_as IN (SELECT 1)', 'IN (', /subqueries/],
    ['SELECT 1 FROM (SELECT 1) s', '1) s', /subqueries in FROM/],
    ['WITH x AS (SELECT 1) SELECT 1', 'WITH', /WITH/],
    ['SELECT 1 UNION SELECT 2', 'UNION', /UNION/],
    ['SELECT row_number() OVER () FROM all_devices', 'row_number', /window functions/],
    ['INSERT INTO all_devices VALUES (1)', 'INSERT', /INSERT/],
    ['UPDATE all_devices SET src_as = 1', 'UPDATE', /UPDATE/],
    ['DELETE FROM all_devices', 'DELETE', /DELETE/],
    ['CREATE TABLE t (a int)', 'CREATE', /CREATE TABLE/],
    ['SELECT stddev(in_bytes) FROM all_devices', 'stddev', /stddev is not supported/],
    ['SELECT DISTINCT ON (src_as) src_as FROM all_devices', 'src_as)', /DISTINCT ON/],
    ['SELECT src_as FROM all_devices GROUP BY ROLLUP (src_as)', 'ROLLUP', /ROLLUP/],
    ['SELECT 1 FROM all_devices FOR UPDATE', 'FOR', /FOR UPDATE/],
    ["SELECT 1 FROM all_devices WHERE i_device_name SIMILAR TO 'a'", 'SIMILAR', /SIMILAR TO/],
    ["SELECT 1 FROM all_devices WHERE i_device_name ~ 'a'", '~', /operator ~/],
    ['SELECT nullif(src_as, 0) FROM all_devices', 'nullif', /may be NULL/],
  ];
  for (const [sql, at, message] of cases) assertError(sql, '0A000', at, message);
});

test('defensive limits: deep nesting and huge IN lists are 54001, never a crash', () => {
  // (Function calls nest in the parsed tree too; bare parentheses only count on the text.)
  const deep = `SELECT ${'abs('.repeat(300)}1${')'.repeat(300)}`;
  const deepErr = planError(deep);
  assert.equal(deepErr.code, '54001');
  assert.match(deepErr.message, /nested/);
  const chain = `SELECT ${Array.from({ length: 250 }, () => 'src_as').join(' + ')} FROM all_devices`;
  assert.equal(planError(chain).code, '54001');
  const items = Array.from({ length: 100_001 }, (_, i) => String(i)).join(',');
  const huge = planError(`SELECT 1 FROM all_devices WHERE src_as IN (${items})`);
  assert.equal(huge.code, '54001');
  assert.match(huge.message, /IN list has 100001 items/);
  // At the limits it plans.
  const ok = Array.from({ length: 100_000 }, (_, i) => String(i)).join(',');
  assert.equal(planOf(`SELECT 1 FROM all_devices WHERE src_as IN (${ok})`).ranges[0]!.max, 99_999);
  assert.equal(
    planOf(`SELECT ${'abs('.repeat(150)}src_as${')'.repeat(150)} FROM all_devices`).aggregate,
    false,
  );
});
