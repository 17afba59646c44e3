import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import pg from 'pg';
import { metricsTableSchema } from '../src/metrics/metrics-table.js';
import { openTable } from '../src/store/table/index.js';
import { freeTcpPort, tempDir } from './helpers/peers.js';
import { csvRows, psqlAt } from './helpers/pg-server-process.js';
import { cli, postFlows, type ServerProcess, startServer } from './helpers/server-process.js';

/**
 * `flowlens server` stores its own registry in the `metrics` table every
 * --metrics-store-interval-ms (200 here), and an admin reads it back over the PostgreSQL protocol:
 * the uptime gauge is plausible (between 0 and the time this test has been running), a counter
 * the test drove (rows ingested over HTTP) reaches exactly what was sent, a non-admin is refused,
 * psql's \d lists the table, and a restart keeps what was stored (with the last snapshot written
 * at shutdown).
 */

const UPTIME = 'flowlens_server_uptime_seconds';
const INGESTED = 'flowlens_ingest_http_rows_total';

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the server stores its metrics in the metrics table; admins query them with SQL', async (t) => {
  const dir = tempDir(t, 'flowlens-metrics-table-');
  const data = `${dir}/data`;
  writeFileSync(
    `${dir}/config.json`,
    JSON.stringify({
      users: [
        { name: 'flowlens', password: 'flowlens', tenant: 'default', admin: true },
        { name: 'noc', password: 'noc-password', tenant: 'default' },
      ],
    }),
  );
  const pgPort = await freeTcpPort();
  const start = async (): Promise<ServerProcess> => {
    const server = await startServer(data, {
      args: [
        '--pg-port',
        String(pgPort),
        '--fsync',
        'never',
        '--config',
        `${dir}/config.json`,
        '--metrics-store-interval-ms',
        '200',
      ],
    });
    t.after(() => server.child.kill('SIGKILL'));
    await server.ready();
    return server;
  };
  const began = Date.now();
  let server = await start();
  const client = async (user = 'flowlens', password = 'flowlens') => {
    const c = new pg.Client({ host: '127.0.0.1', port: pgPort, user, password, database: 'flowlens' });
    await c.connect();
    return c;
  };
  const admin = await client();
  const latest = async (name: string): Promise<number | undefined> => {
    const r = await admin.query(`SELECT value FROM metrics WHERE name = $1 ORDER BY time DESC LIMIT 1`, [
      name,
    ]);
    return r.rows.length === 0 ? undefined : Number(r.rows[0].value);
  };

  const uptime = await poll('a stored uptime', () => latest(UPTIME));
  const elapsed = (Date.now() - began) / 1000;
  assert.ok(uptime >= 0 && uptime <= elapsed, `uptime ${uptime} s within the ${elapsed} s this test has run`);

  // Three ingest requests of 5, 7 and 11 rows: the counter ends at 23 and never passes it.
  for (const n of [5, 7, 11]) {
    const rows = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ i_device_id: 9, src_addr: `10.0.0.${i}`, in_bytes: 100 }),
    );
    assert.equal((await postFlows(server.url, 'default', rows)).status, 200);
  }
  await poll('the ingested-rows counter at 23', async () =>
    (await latest(INGESTED)) === 23 ? true : undefined,
  );
  const history = await admin.query(`SELECT time, value FROM metrics WHERE name = $1 ORDER BY time`, [
    INGESTED,
  ]);
  const values = history.rows.map((r) => Number(r.value));
  assert.ok(
    values.every((v, i) => i === 0 || v >= values[i - 1]!),
    `a counter never goes down: ${values}`,
  );
  assert.equal(Math.max(...values), 23);

  // Uptime moves with the snapshot times: both are read from the wall clock in one synchronous
  // pass over the registry, so their difference changes by no more than that pass's duration
  // (milliseconds; 250 ms leaves room for a loaded machine).
  const ups = await admin.query(
    `SELECT extract(epoch FROM time) AS t, value FROM metrics WHERE name = $1 ORDER BY time`,
    [UPTIME],
  );
  assert.ok(ups.rows.length >= 2, 'several snapshots');
  for (let i = 1; i < ups.rows.length; i++) {
    const dt = Number(ups.rows[i].t) - Number(ups.rows[i - 1].t);
    const dv = Number(ups.rows[i].value) - Number(ups.rows[i - 1].value);
    assert.ok(dt > 0 && Math.abs(dv - dt) < 0.25, `uptime rose ${dv} s over ${dt} s`);
  }

  // Per-minute aggregates, the ops page's kind of query.
  const perMinute = await admin.query(
    `SELECT time_bucket('1 minute', time) AS minute, max(value) AS v FROM metrics
     WHERE name = $1 AND time >= now() - interval '1 hour' GROUP BY 1 ORDER BY 1`,
    [INGESTED],
  );
  assert.equal(Number(perMinute.rows.at(-1).v), 23);

  // A user who is not an admin does not see the table and is refused.
  const noc = await client('noc', 'noc-password');
  await assert.rejects(
    noc.query('SELECT count(*) FROM metrics'),
    (err: { code?: string; message?: string }) => {
      assert.equal(err.code, '42501');
      assert.equal(err.message, 'permission denied for table metrics');
      return true;
    },
  );
  await noc.end();
  // The REST API asks Users.isAdmin too.
  const rest = async (user: string, password: string) => {
    const res = await fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ sql: `SELECT max(value) AS v FROM metrics WHERE name = '${INGESTED}'` }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { rows?: unknown[][]; error?: { code: string } },
    };
  };
  const asAdmin = await rest('flowlens', 'flowlens');
  assert.equal(asAdmin.status, 200);
  assert.equal(Number(asAdmin.body.rows?.[0]?.[0]), 23);
  const asNoc = await rest('noc', 'noc-password');
  assert.deepEqual([asNoc.status, asNoc.body.error?.code], [400, '42501']);

  const d = await psqlAt(pgPort, '\\d metrics');
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(
    csvRows(d.stdout).map((r) => `${r[0]} ${r[1]}`),
    metricsTableSchema.columns.map(
      (c) =>
        `${c.name} ${c.kind === 'time' ? 'timestamp with time zone' : c.kind === 'f64' ? 'double precision' : 'text'}`,
    ),
  );
  const count = Number((await admin.query('SELECT count(*) AS n FROM metrics')).rows[0].n);
  await admin.end();

  // SIGTERM: a last snapshot is stored after the signal; a restarted server reads everything back.
  const stoppedAt = Date.now();
  assert.equal(await server.stop(), 0);
  const table = await openTable(data, metricsTableSchema, { log: () => {} }, { readOnly: true });
  let last = 0;
  for await (const { chunk } of table.scan({ from: 0, to: Number.POSITIVE_INFINITY, columns: ['time'] })) {
    const times = chunk.columns.time!;
    for (let i = 0; i < chunk.rows; i++) last = Math.max(last, times[i]!);
  }
  assert.ok(last >= stoppedAt, `the last snapshot (${last}) follows SIGTERM (${stoppedAt})`);
  let stored = 0;
  for await (const { chunk } of table.scan({ from: 0, to: Number.POSITIVE_INFINITY, columns: [] }))
    stored += chunk.rows;
  // `flowlens query --data` reads the table of a stopped server's directory.
  const local = spawnSync(
    process.execPath,
    [cli, 'query', '--data', data, '--format', 'csv', 'SELECT count(*) FROM metrics'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(local.status, 0, local.stderr);
  assert.equal(local.stdout, `count\r\n${stored}\r\n`, 'CSV lines end in CRLF (RFC 4180)');
  server = await start();
  const again = await client();
  const after = Number((await again.query('SELECT count(*) AS n FROM metrics')).rows[0].n);
  assert.ok(after >= count, `${after} rows after the restart, ${count} before`);
  const before = await again.query(
    `SELECT value FROM metrics WHERE name = $1 AND time <= $2::timestamptz ORDER BY time DESC LIMIT 1`,
    [INGESTED, new Date(last).toISOString()],
  );
  assert.equal(Number(before.rows[0].value), 23, 'the last snapshot before the restart');
  await again.end();
  assert.equal(await server.stop(), 0);
});
