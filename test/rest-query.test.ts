import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { createQueryEngine } from '../src/query/engine.js';
import { fixedEngine } from './helpers/fixed-engine.js';
import { waitFor } from './helpers/peers.js';
import { basic, startRestServer } from './helpers/rest-server.js';

/**
 * POST /api/v1/query over HTTP, against a stand-in engine with fixed answers: the JSON and CSV
 * forms of every type, SQLSTATE errors as HTTP statuses, authentication, parameters, limits, and
 * a client that disconnects mid-query. CSV is read back by DuckDB's CSV reader, an independent
 * RFC 4180 parser.
 */

const flowlens = basic('flowlens', 'flowlens');

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies, checked field by field
type Body = any;
const json = async (res: Response): Promise<Body> => res.json();

function query(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: flowlens, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

test('JSON: every type in its documented form; the session is the authenticated user', async (t) => {
  const engine = fixedEngine();
  const server = await startRestServer(t, engine);
  const res = await query(server.url, { sql: 'SELECT fixed' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const body = await json(res);
  assert.deepEqual(
    body.fields.map((f: { type: string }) => f.type),
    ['int8', 'numeric', 'float8', 'inet', 'timestamptz', 'text', 'bool', 'int4', 'interval'],
  );
  assert.equal(body.command, 'SELECT 3');
  assert.deepEqual(body.stats, {
    jobs: 4,
    memoHits: 1,
    rowsScanned: 1000,
    resolution: 'minute',
    elapsedMs: 3,
  });
  // 2^53 + 1 and 2^63 - 1 are past exact doubles: strings. ms 123 after 10:00 UTC. 90 s is
  // 00:01:30; minus (1 day + 1.5 s) is PostgreSQL's '-1 day -00:00:01.5'.
  assert.deepEqual(body.rows, [
    [15169, '9007199254740993', 0.5, '10.1.2.3', '2026-01-05T10:00:00.123Z', 'https', true, 443, '00:01:30'],
    [
      '9223372036854775807',
      '12345678901234567890123',
      'NaN',
      '2001:db8::1',
      '2026-01-05T10:01:00.123Z',
      'say "hi", then\nleave',
      false,
      -1,
      '-1 day -00:00:01.5',
    ],
    [null, null, 'Infinity', null, null, '', null, null, null],
  ]);
  const [call] = engine.calls;
  assert.equal(call!.session.user, 'flowlens');
  assert.equal(call!.session.tenant, 'default');
  assert.ok(call!.options?.signal instanceof AbortSignal, 'the query gets an abort signal');
});

test('CSV: RFC 4180 with a header, PostgreSQL text cells, NULL distinct from the empty string', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const res = await query(server.url, { sql: 'SELECT fixed' }, { accept: 'text/csv' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8; header=present');
  const csv = await res.text();
  assert.ok(csv.endsWith('\r\n') && !/[^\r]\n(?!leave)/.test(csv), 'records end with CRLF');
  const byParam = await fetch(`${server.url}/api/v1/query?format=csv`, {
    method: 'POST',
    headers: { authorization: flowlens },
    body: JSON.stringify({ sql: 'SELECT fixed' }),
  });
  assert.equal(await byParam.text(), csv, '?format=csv gives the same bytes');

  const dir = mkdtempSync(join(tmpdir(), 'flowlens-csv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'r.csv'), csv);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const read = await conn.runAndReadAll(
    `SELECT * FROM read_csv('${join(dir, 'r.csv')}', header=true, all_varchar=true, allow_quoted_nulls=false, delim=',', quote='"', escape='"')`,
  );
  assert.deepEqual(read.columnNames(), [
    'src_as',
    'f_sum_in_pkts',
    'ratio',
    'src_addr',
    'minute',
    'app',
    'up',
    'port',
    'age',
  ]);
  assert.deepEqual(read.getRowsJS(), [
    [
      '15169',
      '9007199254740993',
      '0.5',
      '10.1.2.3',
      '2026-01-05 10:00:00.123+00',
      'https',
      't',
      '443',
      '00:01:30',
    ],
    [
      '9223372036854775807',
      '12345678901234567890123',
      'NaN',
      '2001:db8::1',
      '2026-01-05 10:01:00.123+00',
      'say "hi", then\nleave',
      'f',
      '-1',
      '-1 day -00:00:01.5',
    ],
    [null, null, 'Infinity', null, null, '', null, null, null],
  ]);
  conn.closeSync();
});

test('errors: SQLSTATE and position in the body, the HTTP status of its class', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const sql = 'SELECT src_as FROM no_such_table';
  const expect = async (res: Response, status: number, code: string) => {
    assert.equal(res.status, status, code);
    const body = await json(res);
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    return { body, res };
  };
  const missing = await expect(await query(server.url, { sql }), 400, '42P01');
  assert.equal(missing.body.error.position, sql.indexOf('no_such_table') + 1);
  assert.equal(missing.body.error.hint, 'tables: all_devices, devices');

  const limited = await expect(await query(server.url, { sql: 'SELECT limited' }), 429, '53400');
  assert.equal(limited.res.headers.get('retry-after'), '3', '2.5 s rounded up');
  await expect(await query(server.url, { sql: 'SELECT timeout' }), 504, '57014');
  await expect(await query(server.url, { sql: 'SELECT boom' }), 500, 'XX000');
  assert.ok(
    server.log.some((l) => l.includes('boom')),
    'internal errors are logged',
  );
  await expect(await query(server.url, { sql: 'SELECT fixed; SELECT fixed' }), 400, '42601');

  for (const body of [
    'not json',
    '[1]',
    '{"sql": 1}',
    '{"sql": ""}',
    '{"sql": "x", "params": {}}',
    '{"sql":"x","limit":1}',
    '{"sql": "x", "params": [[1]]}',
  ])
    await expect(await query(server.url, body), 400, 'bad_request');
  await expect(await query(server.url, { sql: `SELECT ${'x'.repeat(1 << 20)}` }), 413, 'body_too_large');
  await expect(
    await query(server.url, { sql: 'SELECT fixed' }, { accept: 'image/png' }),
    406,
    'not_acceptable',
  );
  await expect(await fetch(`${server.url}/api/v1/query`), 405, 'method_not_allowed');
  assert.equal(server.queryStats.errors['42P01'], 1);
  assert.equal(server.queryStats.errors.bad_request, 7);
});

test('authentication: Basic and Bearer; 401 with WWW-Authenticate otherwise', async (t) => {
  const engine = fixedEngine();
  const server = await startRestServer(t, engine);
  const whoami = async (authorization: string | undefined) => {
    const res = await fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: authorization === undefined ? {} : { authorization },
      body: JSON.stringify({ sql: 'SELECT whoami' }),
    });
    return { status: res.status, header: res.headers.get('www-authenticate'), body: await json(res) };
  };
  const none = await whoami(undefined);
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, '28000');
  assert.equal(none.header, 'Basic realm="flowlens", charset="UTF-8"');
  for (const bad of [
    basic('flowlens', 'wrong'),
    basic('nobody', 'flowlens'),
    'Bearer tok-not-a-token-at-all',
  ]) {
    const res = await whoami(bad);
    assert.equal(res.status, 401, bad);
    assert.equal(res.body.error.code, '28P01');
  }
  for (const malformed of ['Basic', 'Basic bm9jb2xvbg==', 'Digest abc']) {
    const res = await whoami(malformed);
    assert.equal(res.status, 401, malformed);
    assert.equal(res.body.error.code, '28000');
  }
  const viaPassword = await whoami(basic('noc', 's3cret:with:colons'));
  assert.deepEqual(viaPassword.body.rows, [['noc', 'acme', '[]']], 'a password may contain colons');
  const viaToken = await whoami('Bearer tok-0123456789abcdef');
  assert.deepEqual(viaToken.body.rows, [['noc', 'acme', '[]']]);
  assert.equal(engine.calls.length, 2, 'the engine never saw the refused requests');
});

test('parameters reach the engine in text form', async (t) => {
  const engine = fixedEngine();
  const server = await startRestServer(t, engine);
  const res = await query(server.url, { sql: 'SELECT whoami', params: [42, '10.0.0.0/8', null, true, 1.5] });
  assert.equal(res.status, 200);
  assert.deepEqual(engine.calls[0]!.options?.params, ['42', '10.0.0.0/8', null, 'true', '1.5']);
});

test('a client that disconnects mid-query cancels it; the server keeps serving', async (t) => {
  const engine = fixedEngine();
  const server = await startRestServer(t, engine);
  const client = new AbortController();
  const pending = query(server.url, { sql: 'SELECT slow' }, {}, client.signal).catch((err: Error) => err);
  await engine.slowStarted;
  client.abort();
  await engine.slowAborted;
  assert.equal(((await pending) as Error).name, 'AbortError');
  await waitFor(() => server.queryStats.abandoned === 1, 'the abandoned query to be counted');
  assert.equal((await query(server.url, { sql: 'SELECT whoami' })).status, 200);
});

test('SET-like statements: no fields, the command tag', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const body = await json(await query(server.url, { sql: 'SET x = 1' }));
  assert.deepEqual(body, { fields: [], command: 'SET', stats: null, rows: [] });
});

test('with the real engine: posted flows answered, parameters typed, errors with positions', async (t) => {
  const server = await startRestServer(t, (store) => createQueryEngine({ backend: store }));
  // Three flows from 192.0.2.0/24 and one from elsewhere; in_bytes 100, 200, 300 and 5000.
  const lines = [
    '{"src_addr":"192.0.2.1","in_bytes":100}',
    '{"src_addr":"192.0.2.77","in_bytes":200}',
    '{"src_addr":"192.0.2.200","in_bytes":300}',
    '{"src_addr":"198.51.100.1","in_bytes":5000}',
  ];
  const posted = await fetch(`${server.url}/api/v1/flows`, {
    method: 'POST',
    headers: { authorization: flowlens },
    body: `${lines.join('\n')}\n`,
  });
  assert.equal(posted.status, 200);
  const sql =
    "SELECT count(*) AS flows, sum(in_bytes) AS bytes FROM all_devices WHERE src_addr << $1::cidr AND i_start_time >= now() - interval '1 hour'";
  const res = await query(server.url, { sql, params: ['192.0.2.0/24'] });
  const body = await json(res);
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(body.rows, [[3, 600]]);
  const bad = 'SELECT src_as FROM no_such_table';
  const missing = await json(await query(server.url, { sql: bad }));
  assert.equal(missing.error.code, '42P01');
  assert.equal(missing.error.position, bad.indexOf('no_such_table') + 1);
  const two = await query(server.url, { sql: 'SELECT 1; SELECT 2' });
  assert.equal(two.status, 400);
  assert.equal((await json(two)).error.code, '42601');
});
