import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { createQueryEngine } from '../src/query/engine.js';
import { createPgServer } from '../src/server/pg/server.js';
import { dataRow, RawClient, type RawMessage } from './helpers/pg-raw-client.js';
import { testUsers } from './helpers/pg-test-server.js';
import { testStore } from './helpers/store-setup.js';

/**
 * Describe as PostgreSQL answers it (postgres.c, exec_describe_statement_message and
 * exec_describe_portal_message): a statement that returns rows is described by a RowDescription —
 * of 0 fields for a SELECT of no columns, since its result still has a (column-less) row type — and
 * only a statement without a result (SET, BEGIN, …) by NoData. The simple protocol sends the same
 * RowDescription before the rows (printtup's startup runs for every SELECT, rows or not).
 */

async function realServer(t: TestContext): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-pg-describe-'));
  const store = testStore(dir);
  await store.start();
  const server = createPgServer(
    { engine: createQueryEngine({ backend: store }), users: testUsers },
    { port: 0, auth: 'password' },
  );
  const port = await server.start();
  t.after(async () => {
    await server.stop();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return port;
}

const types = (messages: RawMessage[]) => messages.map((m) => m.type).join('');
const fieldCount = (m: RawMessage) => m.body.readInt16BE(0);

/** Parse, Describe S, Bind, Describe P, Execute, Sync of one statement. */
async function extended(c: RawClient, sql: string): Promise<RawMessage[]> {
  c.parse('', sql);
  c.describe('S', '');
  c.bind('', '');
  c.describe('P', '');
  c.execute('');
  c.sync();
  return c.until('Z');
}

test('Describe of a SELECT of no columns is a RowDescription of 0 fields, statement and portal alike', async (t) => {
  const port = await realServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());

  // The engine's (a flows table): no rows in an empty store.
  const flows = await extended(c, 'SELECT FROM all_devices');
  // ParseComplete, ParameterDescription, RowDescription, BindComplete, RowDescription,
  // CommandComplete, ReadyForQuery.
  assert.equal(types(flows), '1tT2TCZ');
  assert.equal(fieldCount(flows[2]!), 0);
  assert.equal(fieldCount(flows[4]!), 0);
  assert.equal(flows[5]!.body.toString(), 'SELECT 0\0');

  // Compat's FROM-less `SELECT`: one row of no columns.
  const bare = await extended(c, 'SELECT');
  assert.equal(types(bare), '1tT2TDCZ');
  assert.equal(fieldCount(bare[2]!), 0);
  assert.equal(fieldCount(bare[4]!), 0);
  assert.deepEqual(dataRow(bare[5]!), []);
  assert.equal(bare[6]!.body.toString(), 'SELECT 1\0');
});

test('Describe of statements without a result is NoData', async (t) => {
  const port = await realServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const set = await extended(c, 'SET statement_timeout = 5000');
  assert.equal(types(set), '1tn2nCZ');
  const begin = await extended(c, 'BEGIN');
  assert.equal(types(begin), '1tn2nCZ');
  assert.equal(begin.at(-1)!.body.toString(), 'T');
  // SHOW has a result: one text column.
  const show = await extended(c, 'SHOW statement_timeout');
  assert.equal(types(show), '1tT2TDCZ');
  assert.equal(fieldCount(show[2]!), 1);
  assert.deepEqual(dataRow(show[5]!), ['5s']);
});

test('the simple protocol describes a SELECT of no columns even when it has no rows', async (t) => {
  const port = await realServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.query('SELECT FROM all_devices');
  const none = await c.until('Z');
  assert.equal(types(none), 'TCZ');
  assert.equal(fieldCount(none[0]!), 0);
  c.query('SELECT');
  assert.equal(types(await c.until('Z')), 'TDCZ');
  c.query('SET statement_timeout = 0');
  assert.equal(types(await c.until('Z')), 'CZ');
});
