import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { opsPanels, opsSql } from '../src/portal/ops-panels.js';
import { opsData, panelSeries, totalIncrease } from '../src/portal/ops-shape.js';
import { num, records, text, time } from '../src/portal/pages-cells.js';
import { tempDir } from './helpers/peers.js';
import { runStatement } from './helpers/portal-sql.js';
import { basic } from './helpers/rest-server.js';
import { postFlows, startServer } from './helpers/server-process.js';

/**
 * The Ops page's statement over a real server's `metrics` table (stored every 200 ms here): the
 * rows ingested over HTTP, counted by this test, come out as the increase of the ingest panel's
 * counter; the other panels are checked against the raw snapshot rows, read with a plain SELECT
 * and bucketed here.
 */

const ROWS = 37;

test('the ops panels over a real metrics table: rates, quantiles, gauges and the memo hit rate', async (t) => {
  const dir = tempDir(t, 'flowlens-portal-ops-');
  writeFileSync(
    `${dir}/config.json`,
    JSON.stringify({ users: [{ name: 'flowlens', password: 'flowlens', tenant: 'default', admin: true }] }),
  );
  const server = await startServer(`${dir}/data`, {
    args: ['--config', `${dir}/config.json`, '--metrics-store-interval-ms', '200', '--fsync', 'never'],
  });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const auth = basic('flowlens', 'flowlens');
  const sql = (text: string, params: (string | number)[] = []) =>
    runStatement(server.url, auth, { sql: text, params });
  const ingested = async () =>
    num(
      (await sql("SELECT max(value) FROM metrics WHERE name = 'flowlens_ingest_http_rows_total'"))
        .rows[0]![0],
    );
  const waitFor = async (ok: (v: number | null) => boolean) => {
    for (;;) {
      if (ok(await ingested())) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor((v) => v === 0);
  const first = time((await sql('SELECT min(time) FROM metrics')).rows[0]![0])!;
  // The rows are sent in a later 1 s bucket than the first snapshot's, which counts none of them.
  while (Date.now() < Math.floor(first / 1000) * 1000 + 1300)
    await new Promise((resolve) => setTimeout(resolve, 50));

  const line = (i: number) => JSON.stringify({ in_bytes: 100 + i, in_pkts: 1, protocol: 6 });
  const posted = await postFlows(
    server.url,
    'default',
    Array.from({ length: ROWS }, (_, i) => line(i)),
  );
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  // Flow queries: the statements and the memo move.
  for (let i = 0; i < 5; i++) await sql('SELECT count(*) FROM all_devices');
  await waitFor((v) => v === ROWS);
  const snapshotsAfter = async () => time((await sql('SELECT max(time) FROM metrics')).rows[0]![0])!;
  const seen = await snapshotsAfter();
  let last = seen;
  while (last <= seen) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await snapshotsAfter();
  }

  // Up to and including a snapshot taken after the queries (`last`; the one at `seen` may predate
  // them when the loaded machine delayed snapshots): all rows up to it are stored, none comes later.
  const w = { fromMs: first - 1000, toMs: last + 1, live: false };
  const data = opsData(await runStatement(server.url, auth, opsSql(opsPanels, w, 1)));
  const panel = (id: string) => panelSeries(opsPanels.find((p) => p.id === id)!, data);

  // What this test sent: ROWS rows, all of them over the window.
  assert.equal(totalIncrease(data, { name: 'flowlens_ingest_http_rows_total', field: '' }), ROWS);
  const http = panel('ingest').find((s) => s.label === 'HTTP ingest')!.values;
  let summed = 0;
  http.forEach((rate, i) => {
    if (rate !== null) summed += rate * ((data.times[i]! - data.times[i - 1]!) / 1000);
  });
  assert.ok(Math.abs(summed - ROWS) < 1e-6, `rate × time adds up to the rows sent: ${summed}`);

  // The raw snapshot rows, bucketed by second here.
  const raw = records(
    await sql(
      'SELECT time, name, field, tags, value FROM metrics WHERE time >= $1 AND time < $2 AND name IN ($3, $4, $5, $6, $7)',
      [
        new Date(w.fromMs).toISOString(),
        new Date(w.toMs).toISOString(),
        'flowlens_query_statements_total',
        'flowlens_query_statement_seconds',
        'flowlens_store_wal_disk_bytes',
        'flowlens_query_memo_hits_total',
        'flowlens_query_memo_misses_total',
      ],
    ),
  ).map((r) => ({
    t: time(r.time)!,
    name: text(r.name),
    field: text(r.field),
    tags: text(r.tags),
    v: num(r.value)!,
  }));
  const of = (name: string, field = '', tags = '') =>
    raw.filter((r) => r.name === name && r.field === field && r.tags === tags);
  const bucketOf = (ms: number) => Math.floor(ms / 1000) * 1000;
  /**
   * What buckets of a counter can tell (no restart here): the largest value of its last bucket
   * minus that of its first — what happened within the first bucket is before the first value.
   */
  const bucketIncrease = (name: string) => {
    const rows = of(name);
    const buckets = rows.map((r) => bucketOf(r.t));
    const maxIn = (b: number) => Math.max(...rows.filter((r) => bucketOf(r.t) === b).map((r) => r.v));
    return maxIn(Math.max(...buckets)) - maxIn(Math.min(...buckets));
  };
  assert.ok(bucketIncrease('flowlens_query_statements_total') >= 5);
  assert.equal(
    totalIncrease(data, { name: 'flowlens_query_statements_total', field: '' }),
    bucketIncrease('flowlens_query_statements_total'),
  );
  const p99 = panel('query-latency').find((s) => s.label === 'p99')!.values;
  const wal = panel('wal')[0]!.values;
  data.times.forEach((b, i) => {
    const q = of('flowlens_query_statement_seconds', 'p99', 'outcome=ok').filter((r) => bucketOf(r.t) === b);
    if (q.length === 0) assert.equal(p99[i], null);
    else assert.equal(p99[i], Math.max(...q.map((r) => r.v)) * 1000, `p99 at bucket ${i}`);
    const byTenant = new Map<string, number[]>();
    for (const r of raw)
      if (r.name === 'flowlens_store_wal_disk_bytes' && bucketOf(r.t) === b)
        byTenant.set(r.tags, [...(byTenant.get(r.tags) ?? []), r.v]);
    const expected = [...byTenant.values()].reduce(
      (s, vs) => s + vs.reduce((x, y) => x + y, 0) / vs.length,
      0,
    );
    if (byTenant.size === 0) assert.equal(wal[i], null);
    else assert.ok(Math.abs(wal[i]! - expected) < 1e-6, `WAL bytes at bucket ${i}: ${wal[i]} vs ${expected}`);
  });

  const hits = bucketIncrease('flowlens_query_memo_hits_total');
  const misses = bucketIncrease('flowlens_query_memo_misses_total');
  assert.equal(totalIncrease(data, { name: 'flowlens_query_memo_hits_total', field: '' }), hits);
  assert.equal(totalIncrease(data, { name: 'flowlens_query_memo_misses_total', field: '' }), misses);
});
