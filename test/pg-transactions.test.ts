import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { errorFields, RawClient, type RawMessage } from './helpers/pg-raw-client.js';
import { runClient, startPgServer } from './helpers/pg-test-server.js';

/**
 * Transaction blocks as PostgreSQL runs them (xact.c, postgres.c): an error inside BEGIN … makes
 * the block failed — ReadyForQuery 'E' — and every statement but COMMIT, ROLLBACK and ROLLBACK TO
 * SAVEPOINT gets 25P02 `current transaction is aborted, commands ignored until end of transaction
 * block` until one of them ends it; COMMIT of a failed block rolls back and its tag says ROLLBACK.
 * An error outside a block leaves the session idle ('I').
 */

const aborted = 'current transaction is aborted, commands ignored until end of transaction block';
const types = (messages: RawMessage[]) => messages.map((m) => m.type).join('');
const status = (messages: RawMessage[]) => messages.at(-1)!.body.toString();
const tag = (messages: RawMessage[]) =>
  messages
    .filter((m) => m.type === 'C')
    .map((m) => m.body.toString().replace(/\0$/, ''))
    .join(',');
const codes = (messages: RawMessage[]) =>
  messages
    .filter((m) => m.type === 'E' || m.type === 'N')
    .map((m) => errorFields(m).C)
    .join(',');

async function simple(c: RawClient, sql: string): Promise<RawMessage[]> {
  c.query(sql);
  return c.until('Z');
}

test('simple protocol: an error in a block fails it until COMMIT, which answers ROLLBACK', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal(status(await simple(c, 'BEGIN')), 'T');
  const bad = await simple(c, 'SELECT * FROM pg_catalog.nope');
  assert.equal(codes(bad), '42P01');
  assert.equal(status(bad), 'E');
  for (const sql of ['SELECT 1', 'SHOW search_path', 'SAVEPOINT a', 'RELEASE a', 'BEGIN']) {
    const refused = await simple(c, sql);
    assert.equal(types(refused), 'EZ', sql);
    assert.equal(errorFields(refused[0]!).C, '25P02', sql);
    assert.equal(errorFields(refused[0]!).M, aborted, sql);
    assert.equal(status(refused), 'E', sql);
  }
  // A syntax error is still a syntax error (PostgreSQL parses before it looks at the block).
  assert.equal(codes(await simple(c, 'SELEC 1')), '42601');
  const commit = await simple(c, 'COMMIT');
  assert.equal(tag(commit), 'ROLLBACK');
  assert.equal(status(commit), 'I');
  const after = await simple(c, 'SELECT 1');
  assert.equal(types(after), 'TDCZ');
  assert.equal(status(after), 'I');
});

test('simple protocol: several statements in one message; ROLLBACK and ROLLBACK TO SAVEPOINT', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // The error stops the rest of the message, and the block it opened is failed.
  const multi = await simple(c, 'BEGIN; SELECT * FROM pg_catalog.nope; SELECT 1');
  assert.equal(types(multi), 'CEZ');
  assert.equal(status(multi), 'E');
  const rollback = await simple(c, 'ROLLBACK');
  assert.equal(tag(rollback), 'ROLLBACK');
  assert.equal(status(rollback), 'I');
  // ROLLBACK TO SAVEPOINT makes the failed block usable again.
  const recovered = await simple(c, 'BEGIN; SAVEPOINT s; SELECT 1; RELEASE s; SAVEPOINT s2');
  assert.equal(status(recovered), 'T');
  assert.equal(status(await simple(c, 'SELECT * FROM pg_catalog.nope')), 'E');
  const back = await simple(c, 'ROLLBACK TO SAVEPOINT s2');
  assert.equal(tag(back), 'ROLLBACK');
  assert.equal(status(back), 'T');
  assert.equal(status(await simple(c, 'SELECT 2')), 'T');
  const commit = await simple(c, 'END');
  assert.equal(tag(commit), 'COMMIT');
  assert.equal(status(commit), 'I');
  // Outside a block an error leaves the session idle.
  assert.equal(status(await simple(c, 'SELECT * FROM pg_catalog.nope')), 'I');
});

test('statements about blocks outside one: warnings and 25P01, as PostgreSQL answers them', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // WARNING 25P01 there is no transaction in progress, then the tag.
  const commit = await simple(c, 'COMMIT');
  assert.equal(types(commit), 'NCZ');
  assert.equal(errorFields(commit[0]!).S, 'WARNING');
  assert.equal(errorFields(commit[0]!).C, '25P01');
  assert.equal(errorFields(commit[0]!).M, 'there is no transaction in progress');
  assert.equal(status(commit), 'I');
  const savepoint = await simple(c, 'SAVEPOINT a');
  assert.equal(codes(savepoint), '25P01');
  assert.equal(errorFields(savepoint[0]!).M, 'SAVEPOINT can only be used in transaction blocks');
  assert.equal(status(savepoint), 'I');
  // BEGIN inside a block: WARNING 25001, and the block goes on.
  const twice = await simple(c, 'BEGIN; BEGIN');
  assert.equal(types(twice), 'CNCZ');
  assert.equal(errorFields(twice[1]!).C, '25001');
  assert.equal(errorFields(twice[1]!).M, 'there is already a transaction in progress');
  assert.equal(status(twice), 'T');
  assert.equal(status(await simple(c, 'ROLLBACK')), 'I');
});

test('extended protocol: Parse, Bind, Execute and Describe of a data statement get 25P02 in a failed block', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal(status(await simple(c, 'BEGIN')), 'T');
  c.parse('q', 'SELECT 1'); // prepared while the block is still good
  c.parse('setter', 'SET statement_timeout = 0');
  c.sync();
  assert.equal(types(await c.until('Z')), '11Z');
  c.parse('', 'SELECT * FROM pg_catalog.nope');
  c.bind('', '');
  c.execute('');
  c.sync();
  const failed = await c.until('Z');
  assert.equal(types(failed), '12EZ');
  assert.equal(status(failed), 'E');
  c.parse('', 'SELECT 1');
  c.sync();
  const parse = await c.until('Z');
  assert.equal(codes(parse), '25P02');
  assert.equal(status(parse), 'E');
  c.bind('', 'q');
  c.sync();
  assert.equal(codes(await c.until('Z')), '25P02');
  // Describing a statement that returns rows needs the catalog: refused; one without: allowed.
  c.describe('S', 'q');
  c.sync();
  assert.equal(codes(await c.until('Z')), '25P02');
  c.describe('S', 'setter');
  c.sync();
  assert.equal(types(await c.until('Z')), 'tnZ');
  c.parse('', 'COMMIT');
  c.bind('', '');
  c.execute('');
  c.sync();
  const commit = await c.until('Z');
  assert.equal(types(commit), '12CZ');
  assert.equal(tag(commit), 'ROLLBACK');
  assert.equal(status(commit), 'I');
  // Outside a block, an extended-protocol error leaves the session idle.
  c.parse('', 'SELECT * FROM pg_catalog.nope');
  c.bind('', '');
  c.execute('');
  c.sync();
  assert.equal(status(await c.until('Z')), 'I');
});

/** psql -X -f script against the server, errors not stopping the script. */
async function psqlScript(t: TestContext, port: number, script: string) {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-psql-tx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  return runClient('psql', [
    '-X',
    '-A',
    '-t',
    `host=127.0.0.1 port=${port} user=flowlens dbname=flowlens`,
    '-f',
    file,
  ]);
}

test('psql: a failed block ignores statements until COMMIT, which prints ROLLBACK', async (t) => {
  const { port } = await startPgServer(t);
  const r = await psqlScript(
    t,
    port,
    'BEGIN;\nSELECT 1;\nSELECT * FROM pg_catalog.nope;\nSELECT 2;\nCOMMIT;\nSELECT 3;\n',
  );
  // psql prints each command's tag (not quiet), rows without headers (-A -t); errors on stderr.
  assert.deepEqual(r.stdout.trim().split('\n'), ['BEGIN', '1', 'ROLLBACK', '3'], r.stderr);
  const errors = r.stderr
    .trim()
    .split('\n')
    .filter((line) => line.includes('ERROR'));
  assert.equal(errors.length, 2, r.stderr);
  assert.match(errors[0]!, /relation "pg_catalog.nope" does not exist/);
  assert.match(errors[1]!, new RegExp(aborted));
});

test('psql with ON_ERROR_ROLLBACK: its savepoints keep the block going after an error', async (t) => {
  const { port } = await startPgServer(t);
  // psql wraps each statement in SAVEPOINT / RELEASE while the status is 'T', and answers an
  // error with ROLLBACK TO SAVEPOINT: the block survives and COMMIT commits.
  const r = await psqlScript(
    t,
    port,
    '\\set ON_ERROR_ROLLBACK on\nBEGIN;\nSELECT 1;\nSELECT * FROM pg_catalog.nope;\nSELECT 2;\nCOMMIT;\n',
  );
  assert.deepEqual(r.stdout.trim().split('\n'), ['BEGIN', '1', '2', 'COMMIT'], r.stderr);
  const errors = r.stderr
    .trim()
    .split('\n')
    .filter((line) => line.includes('ERROR'));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /relation "pg_catalog.nope" does not exist/);
});
