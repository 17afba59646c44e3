import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryError } from '../errors.js';
import { statementTimeoutMs } from './settings.js';
import { newSession, run } from './test-helpers.js';

// Expected values follow PostgreSQL 15's documented behaviour (SET, SHOW, RESET and the
// "Server Configuration" chapter); each was also checked on a PostgreSQL 15.18 server.

test("SHOW gives PostgreSQL defaults under PostgreSQL's spelling of the name", () => {
  const s = newSession();
  assert.deepEqual(
    run('show datestyle', s).fields.map((f) => f.name),
    ['DateStyle'],
  );
  assert.deepEqual(run('show datestyle', s).rows, [['ISO, MDY']]);
  assert.deepEqual(run('show time zone', s).rows, [['UTC']]);
  assert.deepEqual(run('show search_path', s).rows, [['"$user", public']]);
  assert.deepEqual(run('show standard_conforming_strings', s).rows, [['on']]);
  assert.deepEqual(run('show transaction isolation level', s).rows, [['read committed']]);
  assert.equal(run('show all', s).command, 'SHOW');
  assert.throws(
    () => run('show no_such_setting', s),
    (e: QueryError) => e.code === '42704',
  );
});

test('SET normalizes values the way SHOW then prints them; RESET restores the default', () => {
  const s = newSession();
  assert.equal(run('set statement_timeout = 90000', s).command, 'SET');
  assert.deepEqual(run('show statement_timeout', s).rows, [['90s']]);
  assert.equal(statementTimeoutMs(s), 90_000);
  run("set statement_timeout = '2min'", s);
  assert.deepEqual(run('show statement_timeout', s).rows, [['2min']]);
  run('set search_path to public, "My Schema"', s);
  assert.deepEqual(run('show search_path', s).rows, [['public, "My Schema"']]);
  run('set datestyle = iso', s);
  assert.deepEqual(run('show datestyle', s).rows, [['ISO, MDY']]);
  run("set datestyle = 'ISO, DMY'", s);
  assert.deepEqual(run('show datestyle', s).rows, [['ISO, DMY']]);
  run('set extra_float_digits = 3', s);
  run('set client_encoding = utf8', s);
  assert.deepEqual(run('show client_encoding', s).rows, [['UTF8']]);
  run('set row_security = false', s);
  assert.deepEqual(run('show row_security', s).rows, [['off']]);
  assert.equal(run('reset statement_timeout', s).command, 'RESET');
  assert.deepEqual(run('show statement_timeout', s).rows, [['0']]);
  run('set my.custom = 42', s);
  assert.deepEqual(run('show my.custom', s).rows, [['42']]);
  run('reset all', s);
  assert.throws(
    () => run('show my.custom', s),
    (e: QueryError) => e.code === '42704',
  );
});

test('SET refuses what PostgreSQL refuses and what flowlens cannot honour', () => {
  const s = newSession();
  assert.throws(
    () => run('set server_version = 1', s),
    (e: QueryError) => e.code === '55P02',
  );
  assert.throws(
    () => run('set extra_float_digits = 9', s),
    (e: QueryError) => e.code === '22023',
  );
  assert.throws(
    () => run("set statement_timeout = 'soon'", s),
    (e: QueryError) => e.code === '22023',
  );
  assert.throws(
    () => run('set datestyle = german', s),
    (e: QueryError) => e.code === '0A000',
  );
  assert.throws(
    () => run("set client_encoding = 'LATIN1'", s),
    (e: QueryError) => e.code === '0A000',
  );
  assert.throws(
    () => run('set session authorization bob', s),
    (e: QueryError) => e.code === '42501',
  );
});

test("transactions, DISCARD and DEALLOCATE are accepted with PostgreSQL's command tags", () => {
  const s = newSession();
  const tags = [
    'begin',
    'start transaction read only',
    'commit',
    'rollback',
    'end',
    'savepoint a',
    'discard all',
    'deallocate all',
    'deallocate x',
  ].map((sql) => run(sql, s).command);
  assert.deepEqual(tags, [
    'BEGIN',
    'START TRANSACTION',
    'COMMIT',
    'ROLLBACK',
    'COMMIT',
    'SAVEPOINT',
    'DISCARD ALL',
    'DEALLOCATE ALL',
    'DEALLOCATE',
  ]);
  s.settings.set('statement_timeout', '5s');
  run('discard all', s);
  assert.equal(s.settings.has('statement_timeout'), false);
});

test('current_setting, set_config and the FROM-less server functions', () => {
  const s = newSession('alice');
  const r = run(
    "select current_setting('DateStyle'), current_setting('nope', true), set_config('application_name', 'x', false), current_user, current_database(), current_schema, version() like 'PostgreSQL 15.%flowlens%'",
    s,
  );
  assert.deepEqual(r.rows, [['ISO, MDY', null, 'x', 'alice', 'flowlens', 'public', true]]);
  assert.deepEqual(
    r.fields.map((f) => f.name),
    [
      'current_setting',
      'current_setting',
      'set_config',
      'current_user',
      'current_database',
      'current_schema',
      '?column?',
    ],
  );
  assert.equal(s.settings.get('application_name'), 'x');
  assert.throws(
    () => run("select current_setting('nope')", s),
    (e: QueryError) => e.code === '42704',
  );
  run("set search_path = 'nothing_here'", s);
  assert.deepEqual(run('select current_schema()', s).rows, [[null]]);
});
