import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import pg from 'pg';
import { formatValue } from '../src/query/text-format.js';
import { fakeEngineEvents, threeRows } from './helpers/pg-fake-engine.js';
import { int32, RawClient } from './helpers/pg-raw-client.js';
import { startPgServer } from './helpers/pg-test-server.js';

/** node-postgres (8.x): SCRAM, simple and extended protocol, prepared statements, binary results, cancel. */

async function client(
  t: import('node:test').TestContext,
  port: number,
  config: pg.ClientConfig = {},
): Promise<pg.Client> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'flowlens',
    password: 'flowlens',
    database: 'flowlens',
    ...config,
  });
  // The server may stop before the client ends (after-hooks run in order): that is not a test failure.
  c.on('error', () => {});
  await c.connect();
  t.after(() => c.end().catch(() => {}));
  return c;
}

/** The rows as PostgreSQL's text output (what the server must have sent in text mode). */
const expectedText = threeRows.rows.map((row) =>
  row.map((v, i) => formatValue(v, threeRows.fields[i]!.type)),
);

test('simple query: RowDescription type OIDs and text values', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const rawText = { getTypeParser: () => (v: string) => v };
  const r = await c.query({ text: 'select three()', types: rawText });
  // OIDs from pg_type.dat: int8 20, int2 21, int4 23, text 25, bool 16, float8 701, inet 869, timestamptz 1184, numeric 1700.
  assert.deepEqual(
    r.fields.map((f) => [f.name, f.dataTypeID]),
    [
      ['id', 20],
      ['small', 21],
      ['n4', 23],
      ['name', 25],
      ['ok', 16],
      ['ratio', 701],
      ['addr', 869],
      ['at', 1184],
      ['total', 1700],
    ],
  );
  assert.deepEqual(
    r.rows.map((row) => Object.values(row)),
    expectedText,
  );
  assert.equal(r.command, 'SELECT');
  assert.equal(r.rowCount, 3);
});

test('extended query: parameters, named prepared statements reused, several statements in one simple query', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const echo = await c.query('select echo($1, $2, $3)', ['a b', null, 'é']);
  assert.deepEqual(echo.rows, [{ p1: 'a b', p2: null, p3: 'é' }]);
  for (const value of ['one', 'two']) {
    const r = await c.query({ name: 'echo-one', text: 'select echo($1)', values: [value] });
    assert.deepEqual(r.rows, [{ p1: value }]);
  }
  const setting = await c.query({ text: 'select current_setting($1) as v', values: ['DateStyle'] });
  assert.deepEqual(setting.rows, [{ v: 'ISO, MDY' }]);
  const multi = (await c.query(
    'set application_name = x; show application_name',
  )) as unknown as pg.QueryResult[];
  assert.deepEqual(
    multi.map((m) => m.command),
    ['SET', 'SHOW'],
  );
  assert.deepEqual(multi[1]!.rows, [{ application_name: 'x' }]);
});

test('binary results decode to the same values as text results', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const text = await c.query({ text: 'select three()', rowMode: 'array' });
  // `binary` (ask for every column in binary) is a node-postgres option its type definitions omit.
  const binaryQuery = {
    text: 'select three()',
    rowMode: 'array',
    binary: true,
  } as unknown as pg.QueryArrayConfig;
  const binary = await c.query(binaryQuery);
  // node-postgres parses both formats with its own (pg-types) parsers: they must agree, column by column.
  const comparable = (v: unknown) =>
    v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? String(v) : v;
  for (let r = 0; r < text.rows.length; r++) {
    for (const [i, field] of threeRows.fields.entries()) {
      if (field.type === 'inet') continue; // pg-types has no binary inet parser: checked byte by byte in binary-out.test.ts
      assert.deepEqual(comparable(binary.rows[r][i]), comparable(text.rows[r][i]), `${field.name} row ${r}`);
    }
  }
});

test('errors carry SQLSTATE, position and hint; the connection stays usable', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  await assert.rejects(c.query('select nosuch_function(1) from pg_class'), (err: pg.DatabaseError) => {
    assert.equal(err.code, '42883');
    assert.equal(err.position, '8');
    assert.match(err.hint ?? '', /subset of PostgreSQL functions/);
    return true;
  });
  await assert.rejects(c.query('select * from pg_catalog.nope'), {
    code: '42P01',
    message: 'relation "pg_catalog.nope" does not exist',
  });
  await assert.rejects(c.query('selec 1'), { code: '42601' });
  assert.deepEqual((await c.query('select 1 as one')).rows, [{ one: 1 }]);
});

test('CancelRequest aborts the running query (57014); another session keeps working', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const other = await client(t, port);
  const started = once(fakeEngineEvents, 'slow-started');
  const running = c.query('select slow(60000)');
  await started;
  const rejected = assert.rejects(running, {
    code: '57014',
    message: 'canceling statement due to user request',
  });
  const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
  await sendCancel(port, processID, secretKey);
  await rejected;
  assert.deepEqual((await other.query('select 2 as two')).rows, [{ two: 2 }]);
  assert.deepEqual((await c.query('select 3 as three')).rows, [{ three: 3 }]);
});

test('a CancelRequest with a wrong secret cancels nothing; the right one does', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const started = once(fakeEngineEvents, 'slow-started');
  let settled = false;
  const outcome = c.query('select slow(60000)').then(
    () => {
      settled = true;
      return undefined;
    },
    (err: pg.DatabaseError) => {
      settled = true;
      return err;
    },
  );
  await started;
  const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
  await sendCancel(port, processID, secretKey ^ 1);
  await sendCancel(port, processID + 1, secretKey);
  // The server has read and acted on both requests (it closes a cancel connection when done).
  assert.equal(settled, false);
  await sendCancel(port, processID, secretKey);
  assert.equal((await outcome)?.code, '57014');
});

/** Sends a CancelRequest on its own connection and waits until the server has closed it. */
async function sendCancel(port: number, pid: number, secret: number): Promise<void> {
  const raw = await RawClient.open(port);
  raw.write(Buffer.concat([int32(16), int32(80877102), int32(pid), int32(secret)]));
  await raw.closedByServer();
}

test('a large result streams through (backpressure) with the right row count', async (t) => {
  const { port } = await startPgServer(t);
  const c = await client(t, port);
  const r = await c.query({ text: 'select series(200000)', rowMode: 'array' });
  assert.equal(r.rows.length, 200_000);
  assert.deepEqual(r.rows[199_999], ['200000', 'row 200000']);
});
