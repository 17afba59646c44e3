import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { formatTable } from '../src/cli/query-table.js';
import { lockPath } from '../src/store/lock.js';
import type { TcpResult } from '../src/synth/contract.js';
import { SynthResultsStore } from '../src/synth/server/results-store.js';
import { fixedEngine, fixedResult } from './helpers/fixed-engine.js';
import { freeTcpPort, tempDir } from './helpers/peers.js';
import { basic, startRestServer } from './helpers/rest-server.js';
import { cli } from './helpers/server-process.js';
import { generateFlows } from './helpers/store-flows.js';
import { testStore } from './helpers/store-setup.js';

/**
 * `flowlens query` as a user runs it (a child process) against the REST API in this process, with
 * the stand-in engine: table, JSON and CSV output equal to what the server sends, psql-style
 * errors and exit codes, credentials, parameters, stdin; and --data on a directory with the real
 * engine, against sums computed here from the flows written.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flowlens(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, [cli, 'query', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

test('table, JSON and CSV: what the server answers, formatted', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const table = await flowlens(['--server', server.url, 'SELECT fixed']);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout, formatTable(fixedResult), 'the result survives the trip through JSON');
  assert.match(table.stdout, /^ +src_as +\| +f_sum_in_pkts +\|/);
  assert.match(table.stdout, /\n\(3 rows\)\n/);

  const ask = (accept: string) =>
    fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: basic('flowlens', 'flowlens'), accept },
      body: JSON.stringify({ sql: 'SELECT fixed' }),
    }).then((r) => r.text());
  const json = await flowlens(['--server', server.url, '--format', 'json', 'SELECT fixed']);
  assert.equal(json.stdout, await ask('application/json'));
  const csv = await flowlens(['--server', server.url, '-F', 'csv', 'SELECT fixed']);
  assert.equal(csv.stdout, await ask('text/csv'));
});

test('errors: psql form with SQLSTATE and caret, exit 1; unreachable server exit 2', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const sql = 'SELECT src_as FROM no_such_table';
  const missing = await flowlens(['--server', server.url, sql]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  // The caret sits under the first character of no_such_table: "LINE 1: " is 8 characters.
  assert.equal(
    missing.stderr,
    'ERROR:  42P01: relation "no_such_table" does not exist\n' +
      `LINE 1: ${sql}\n${' '.repeat(8 + sql.indexOf('no_such_table'))}^\n` +
      'HINT:  tables: all_devices, devices\n',
  );
  const wrong = await flowlens(['--server', server.url, 'SELECT whoami'], { FLOWLENS_PASSWORD: 'wrong' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^ERROR: {2}28P01: password authentication failed for user "flowlens"/);

  const nobody = `http://127.0.0.1:${await freeTcpPort()}`;
  const unreachable = await flowlens(['--server', nobody, 'SELECT 1']);
  assert.equal(unreachable.code, 2);
  assert.match(unreachable.stderr, /cannot reach .*ECONNREFUSED/);
  const usage = await flowlens(['--format', 'xml', 'SELECT 1']);
  assert.equal(usage.code, 2);
});

test('credentials, parameters and SQL from stdin', async (t) => {
  const engine = fixedEngine();
  const server = await startRestServer(t, engine);
  const token = await flowlens(['--server', server.url, '-F', 'csv', 'SELECT whoami'], {
    FLOWLENS_TOKEN: 'tok-0123456789abcdef',
  });
  assert.equal(token.stdout, 'user,tenant,params\r\nnoc,acme,[]\r\n');
  const env = { FLOWLENS_SERVER: server.url, FLOWLENS_USER: 'noc', FLOWLENS_PASSWORD: 's3cret:with:colons' };
  const params = await flowlens(['-F', 'csv', '-p', '42', '-p', '10.0.0.0/8', 'SELECT whoami'], env);
  assert.equal(params.stdout, 'user,tenant,params\r\nnoc,acme,"[""42"",""10.0.0.0/8""]"\r\n');
  const piped = await flowlens(['-F', 'csv'], env, 'SELECT whoami\n');
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(engine.calls.at(-1)!.sql, 'SELECT whoami\n');
});

test('--data: refused while a store has the directory; then sealed and WAL-only rows are queried', async (t) => {
  const dir = tempDir(t);
  const notData = await flowlens(['--data', dir, 'SELECT 1']);
  assert.equal(notData.code, 2);
  assert.match(notData.stderr, /is not a flowlens data directory/);

  // Some flows sealed into segments, more left only in the WAL (the store stops without sealing).
  const store = testStore(dir, { write: { sealOnStop: false } });
  await store.start();
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const minutes = [minute - 3 * 60_000, minute - 2 * 60_000, minute - 60_000];
  const sealed = generateFlows({ seed: 1, rows: 700, minutes, devices: [1, 2] });
  const walOnly = generateFlows({ seed: 2, rows: 300, minutes, devices: [2, 3] });
  await store.append('acme', sealed);
  await store.sealNow({ all: true });
  await store.append('acme', walOnly);
  const sql =
    "SELECT count(*) AS flows, sum(in_pkts) AS pkts FROM all_devices WHERE i_start_time >= now() - interval '1 hour'";
  const busy = await flowlens(['--data', dir, '--tenant', 'acme', sql]);
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, new RegExp(`in use by process ${process.pid}`));
  await store.stop();

  let pkts = 0n;
  for (const batch of [sealed, walOnly])
    for (let r = 0; r < batch.length; r++) pkts += BigInt(batch.arrays[batch.index.in_pkts]![r]!);
  const free = await flowlens(['--data', dir, '--tenant', 'acme', '-F', 'csv', sql]);
  assert.equal(free.code, 0, free.stderr);
  assert.equal(free.stdout, `flows,pkts\r\n${sealed.length + walOnly.length},${pkts}\r\n`);
  assert.equal(existsSync(lockPath(dir)), false, 'the CLI released the lock');
  const other = await flowlens(['--data', dir, '-F', 'csv', sql]);
  assert.equal(other.stdout, 'flows,pkts\r\n0,\r\n', 'the default tenant has no flows: count 0, sum NULL');
});

test('--data: the synthetic-monitoring results tables are read too, each tenant its own rows', async (t) => {
  const dir = tempDir(t);
  const store = testStore(dir);
  await store.start();
  await store.stop();
  const results = new SynthResultsStore({ dataDir: dir, log: () => {} }, { retentionDays: 36_500 });
  await results.start();
  const now = Date.now();
  // Three TCP connects of acme's agent 1, 2 and 4 ms long, and one of another tenant's.
  const result = (i: number, latencyMs: number): TcpResult => ({
    testId: 't-tcp',
    type: 'tcp',
    target: 'h',
    address: '::1',
    time: now - 60_000 + i * 1000,
    ok: true,
    error: '',
    latencyMs,
  });
  const item = (tenant: string, batch: string, r: TcpResult) => ({
    result: r,
    cx: { tenant, agent: 'a-1', batch, spec: undefined },
  });
  const batch = 'a-1/0123456789abcdef/1';
  const acme = [result(0, 1), result(1, 2), result(2, 4)].map((r) => item('acme', batch, r));
  assert.equal(await results.store('a-1', '0123456789abcdef', 1, acme), true);
  assert.equal(
    await results.store('a-2', '0123456789abcdef', 1, [
      item('other', 'a-2/0123456789abcdef/1', result(3, 100)),
    ]),
    true,
  );
  await results.stop();

  const sql = 'SELECT count(*) AS runs, sum(latency_ms) AS ms FROM synth_tcp';
  const mine = await flowlens(['--data', dir, '--tenant', 'acme', '-F', 'csv', sql]);
  assert.equal(mine.code, 0, mine.stderr);
  assert.equal(mine.stdout, 'runs,ms\r\n3,7\r\n');
});
