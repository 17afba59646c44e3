import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { freeUdpPort, tempDir } from './helpers/peers.js';
import { psqlAt, startPgServerProcess, statusWhen } from './helpers/pg-server-process.js';
import { runClient } from './helpers/pg-test-server.js';

/**
 * pgbench (PostgreSQL 15's) against `flowlens server --demo`: 16 clients run the seed query for
 * 30 s while the demo routers keep sending, and not one transaction fails. The tenant's limits in
 * the config allow that load; a second server with a tiny query rate shows what a client over the
 * limit gets.
 */

const seedQuery =
  "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";

test('pgbench: 16 clients run the seed query for 30 s without a single error', async (t) => {
  const netflowPort = await freeUdpPort();
  const { server, pgPort } = await startPgServerProcess(t, {
    config: { queryRate: 100_000, queryBurst: 100_000, maxConcurrentQueries: 64 },
    args: ['--demo', '--listen', '127.0.0.1', '--netflow-port', String(netflowPort)],
  });
  await statusWhen(server.url, (s) => s.storeSink.storedFlows > 1000, 'the demo flows to be stored');
  const script = `${tempDir(t)}/seed.sql`;
  writeFileSync(script, `${seedQuery}\n`);
  const args = ['-n', '-c', '16', '-j', '2', '-T', '30', '-f', script];
  const r = await runClient('pgbench', [
    ...args,
    '-h',
    '127.0.0.1',
    '-p',
    String(pgPort),
    '-U',
    'flowlens',
    'flowlens',
  ]);
  assert.equal(r.code, 0, `pgbench failed:\n${r.stdout}\n${r.stderr}`);
  for (const line of r.stdout.split('\n').filter((l) => /^(number of|latency|tps)/.test(l)))
    t.diagnostic(line);
  const field = (pattern: RegExp) => {
    const m = pattern.exec(r.stdout);
    assert.ok(m !== null, `no ${pattern} in:\n${r.stdout}`);
    return Number(m[1]);
  };
  assert.equal(field(/^number of failed transactions: (\d+)/m), 0);
  assert.ok(field(/^number of transactions actually processed: (\d+)/m) > 0);
  assert.doesNotMatch(r.stderr, /error|abort/i);
  const status = await statusWhen(server.url, () => true, 'status');
  assert.deepEqual(status.engine.errors, {}, 'no statement failed on the server either');
  assert.deepEqual(status.engine.limits.refused, { rate: 0, concurrency: 0, rows: 0 });
});

test('over the query rate: 53400 through psql with when to retry; catalog commands still answer', async (t) => {
  const { pgPort } = await startPgServerProcess(t, {
    // One query, then one more every 1000 s: the second is refused whatever the machine's speed.
    config: { queryRate: 0.001, queryBurst: 1 },
  });
  const first = await psqlAt(pgPort, seedQuery);
  assert.equal(first.code, 0, first.stderr);
  const verbose = await runClient('psql', [
    '-X',
    '-h',
    '127.0.0.1',
    '-p',
    String(pgPort),
    '-U',
    'flowlens',
    'flowlens',
    '-c',
    '\\set VERBOSITY verbose',
    '-c',
    seedQuery,
  ]);
  assert.equal(verbose.code, 1);
  assert.match(
    verbose.stderr,
    /ERROR: {2}53400: too many queries for tenant "default": limit 0\.001 per second/,
  );
  assert.match(verbose.stderr, /HINT: {2}retry in \d+ ms/);
  const dt = await psqlAt(pgPort, '\\dt');
  assert.equal(dt.code, 0, dt.stderr);
  assert.match(dt.stdout, /public,all_devices,table,flowlens/);
});
