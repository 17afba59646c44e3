import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SqlType } from '../src/query/sql-types.js';
import { fakeTables } from './helpers/pg-fake-engine.js';
import { psql, runClient, startPgServer } from './helpers/pg-test-server.js';

/**
 * The real psql (Debian's postgresql-client 15) against the wire server over the test engine. The
 * expected catalog answers are what PostgreSQL 15 prints for tables with the same columns: the
 * type names below are PostgreSQL's (format_type / the "Data Types" table of its docs), and every
 * psql command here was run side by side against a PostgreSQL 15.18 server holding the same three
 * tables while developing, with identical output.
 */
const pgTypeName: Record<SqlType, string> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  text: 'text',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  unknown: 'unknown',
};

test('psql connects with SCRAM-SHA-256 and runs a query', async (t) => {
  const { port } = await startPgServer(t);
  const r = await psql(port, ['select 1'], { tuples: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1');
});

test('psql \\dt lists the tenant tables; \\d all_devices shows every column with its PostgreSQL type', async (t) => {
  const { port } = await startPgServer(t);
  const dt = await psql(port, ['\\dt'], { tuples: true });
  assert.equal(dt.code, 0, dt.stderr);
  const expected = fakeTables.map((table) => `public|${table.name}|table|flowlens`).sort();
  assert.deepEqual(dt.stdout.trim().split('\n'), expected);

  const d = await psql(port, ['\\d all_devices'], { tuples: true });
  assert.equal(d.code, 0, d.stderr);
  const all = fakeTables.find((table) => table.name === 'all_devices')!;
  // psql prints: name | type | collation | nullable | default (all empty: no collations or constraints).
  assert.deepEqual(
    d.stdout.trim().split('\n'),
    all.columns.map((c) => `${c.name}|${pgTypeName[c.type]}|||`),
  );

  const dAll = await psql(port, ['\\d'], { tuples: true });
  assert.deepEqual(dAll.stdout.trim().split('\n'), expected);
});

test('psql \\d+ devices, \\dn, \\l and \\d nosuch answer as PostgreSQL does', async (t) => {
  const { port } = await startPgServer(t);
  const dPlus = await psql(port, ['\\d+ devices'], { tuples: true });
  assert.equal(dPlus.code, 0, dPlus.stderr);
  const devices = fakeTables.find((table) => table.name === 'devices')!;
  // \d+ adds storage (plain for fixed-size types, extended for text), compression, stats target, description.
  assert.deepEqual(
    dPlus.stdout.trim().split('\n'),
    devices.columns.map(
      (c) => `${c.name}|${pgTypeName[c.type]}||||${c.type === 'text' ? 'extended' : 'plain'}|||`,
    ),
  );
  const dn = await psql(port, ['\\dn'], { tuples: true });
  assert.equal(dn.stdout.trim(), 'public|pg_database_owner');
  const l = await psql(port, ['\\l'], { tuples: true });
  assert.equal(l.stdout.trim(), 'flowlens|flowlens|UTF8|C.UTF-8|C.UTF-8||libc|');
  const missing = await psql(port, ['\\d nosuch']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Did not find any relation named "nosuch"/);
});

test('psql SET, SHOW and the server functions', async (t) => {
  const { port } = await startPgServer(t);
  const r = await psql(
    port,
    [
      "set application_name = 'flow report'",
      'show application_name',
      'set statement_timeout = 5000',
      'show statement_timeout',
      "select current_database(), current_schema(), current_user, current_setting('server_version_num')::int / 100",
      'begin',
      'commit',
    ],
    { tuples: true },
  );
  assert.equal(r.code, 0, r.stderr);
  // PostgreSQL shows a time setting in the largest unit that divides it: 5000 ms is '5s'.
  assert.deepEqual(r.stdout.trim().split('\n').filter(Boolean), [
    'SET',
    'flow report',
    'SET',
    '5s',
    'flowlens|public|flowlens|1500',
    'BEGIN',
    'COMMIT',
  ]);
});

test('psql: wrong password, unknown user and unknown database are refused with PostgreSQL messages', async (t) => {
  const { port } = await startPgServer(t);
  const wrong = await psql(port, ['select 1'], { password: 'nope' });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /FATAL: {2}password authentication failed for user "flowlens"/);
  const unknown = await psql(port, ['select 1'], { user: 'mallory', password: 'flowlens' });
  assert.match(unknown.stderr, /password authentication failed for user "mallory"/);
  const db = await psql(port, ['select 1'], {
    conninfo: `host=127.0.0.1 port=${port} user=flowlens dbname=other`,
  });
  assert.match(db.stderr, /database "other" does not exist/);
  const ok = await psql(port, ['select 1'], { tuples: true });
  assert.equal(ok.stdout.trim(), '1');
});

test('psql sslmode=require is refused without TLS and works when the server has a certificate', async (t) => {
  const plain = await startPgServer(t);
  const refused = await psql(plain.port, ['select 1'], {
    conninfo: `host=127.0.0.1 port=${plain.port} user=flowlens dbname=flowlens sslmode=require`,
  });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /server does not support SSL, but SSL was required/);

  const dir = mkdtempSync(join(tmpdir(), 'flowlens-pg-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const tls = await startPgServer(t, {
    tlsCert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    tlsKey: readFileSync(join(dir, 'key.pem'), 'utf8'),
  });
  const secured = await psql(tls.port, ['\\conninfo', 'select 1'], {
    conninfo: `host=127.0.0.1 port=${tls.port} user=flowlens dbname=flowlens sslmode=require`,
  });
  assert.equal(secured.code, 0, secured.stderr);
  assert.match(secured.stdout, /SSL connection \(protocol: TLSv1\.[23]/);
});

test('pgbench runs a custom script with 4 clients for 3 s without a failed transaction', async (t) => {
  const { port } = await startPgServer(t);
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-pgbench-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'script.sql');
  writeFileSync(script, "select three();\nselect count(*) from pg_catalog.pg_class where relkind = 'r';\n");
  const r = await runClient('pgbench', [
    '-n',
    '-f',
    script,
    '-c',
    '4',
    '-T',
    '3',
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'flowlens',
    'flowlens',
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const processed = /number of transactions actually processed: (\d+)/.exec(r.stdout);
  assert.ok(processed !== null && Number(processed[1]) > 0, r.stdout);
  assert.match(r.stdout, /number of failed transactions: 0 /);
});
