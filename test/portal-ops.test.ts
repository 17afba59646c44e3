import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { launchBrowser, portalPage, screenshot } from './helpers/browser.js';
import { startDemoServer } from './helpers/demo-server.js';
import { pageAnswered } from './helpers/pages-wait.js';
import { tempDir } from './helpers/peers.js';
import { getStatus } from './helpers/server-process.js';
import { sendGarbage } from './helpers/v5-gap.js';

/**
 * The Ops page in Chromium against a real `flowlens server --demo` storing its metrics every
 * second. Over a closed 40 s range, the test sends 4 datagrams that are no flow export (so the
 * decode errors in the range are 4 by construction), and every headline figure is compared with
 * what the test computes itself from the raw snapshot rows of the `metrics` table, read with a
 * plain SELECT and bucketed by 10 s here. A user who is not an admin is told why the page is empty.
 */

const BUCKET = 10_000;
const BAD = 4;

interface Raw {
  t: number;
  name: string;
  field: string;
  tags: string;
  v: number;
}

test('Ops: headline figures as the metrics table says; known decode errors; admins only', {
  timeout: 240_000,
}, async (t) => {
  const dir = tempDir(t, 'flowlens-portal-ops-');
  writeFileSync(
    `${dir}/config.json`,
    JSON.stringify({
      users: [
        { name: 'flowlens', password: 'flowlens', tenant: 'default', admin: true },
        { name: 'noc', password: 'noc-password', tenant: 'default' },
      ],
    }),
  );
  const demo = await startDemoServer(t, {
    args: ['--config', `${dir}/config.json`, '--metrics-store-interval-ms', '1000'],
  });
  const port = (await getStatus(demo.url)).collector.udp[0].port as number;
  const until = async (ms: number) => {
    while (Date.now() < ms)
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, ms - Date.now())));
  };
  // A closed range of four 10 s buckets: the bad datagrams and some queries fall inside it.
  const from = Math.ceil((Date.now() + 2000) / BUCKET) * BUCKET;
  const to = from + 4 * BUCKET;
  await until(from + BUCKET + 500);
  await sendGarbage(port, '127.0.0.11', BAD);
  for (let i = 0; i < 3; i++) await demo.query('SELECT count(*) FROM all_devices');
  await until(to + 1500);
  const stored = async () =>
    Date.parse(String((await demo.query('SELECT max(time) FROM metrics')).rows[0]![0]));
  while ((await stored()) < to) await until(Date.now() + 200);

  const iso = (ms: number) => new Date(ms).toISOString();
  const raw: Raw[] = (
    await demo.query(
      `SELECT time, name, field, tags, value FROM metrics WHERE time >= '${iso(from)}' AND time < '${iso(to)}'`,
    )
  ).rows.map(([time, name, field, tags, v]) => ({
    t: Date.parse(String(time)),
    name: String(name),
    field: String(field),
    tags: String(tags),
    v: Number(v),
  }));
  const bucketOf = (ms: number) => Math.floor(ms / BUCKET) * BUCKET;
  const buckets = [...new Set(raw.map((r) => bucketOf(r.t)))].sort((a, b) => a - b);
  assert.deepEqual(
    buckets,
    [0, 1, 2, 3].map((i) => from + i * BUCKET),
    'snapshots in every bucket',
  );
  /** Per tag set, the largest (or mean) value in each bucket. */
  const perBucket = (name: string, field: string, agg: 'max' | 'avg', tags?: string) => {
    const out = new Map<string, Map<number, number>>();
    for (const [key, rows] of groups(
      raw.filter((r) => r.name === name && r.field === field && (tags === undefined || r.tags === tags)),
      (r) => r.tags,
    )) {
      const m = new Map<number, number>();
      for (const [b, rs] of groups(rows, (r) => bucketOf(r.t))) {
        const vs = rs.map((r) => r.v);
        m.set(b, agg === 'max' ? Math.max(...vs) : vs.reduce((x, y) => x + y, 0) / vs.length);
      }
      out.set(key, m);
    }
    return out;
  };
  /** A counter's increase from the first bucket to the last, summed over its tag sets (no restart here). */
  const increase = (name: string, field = '') =>
    [...perBucket(name, field, 'max').values()].reduce(
      (s, m) => s + (m.get(buckets.at(-1)!)! - m.get(buckets[0]!)!),
      0,
    );
  const last = buckets.at(-1)!;
  const prev = buckets.at(-2)!;
  const rateAtLast = (name: string, field = '') =>
    [...perBucket(name, field, 'max').values()].reduce(
      (s, m) => s + (m.get(last)! - m.get(prev)!) / (BUCKET / 1000),
      0,
    );
  const gaugeAtLast = (name: string) =>
    [...perBucket(name, '', 'avg').values()].reduce((s, m) => s + m.get(last)!, 0);

  const expected = {
    Ingest:
      rateAtLast('flowlens_collector_flows_total', 'count') + rateAtLast('flowlens_ingest_http_rows_total'),
    'Decode errors': BAD,
    'Query p99':
      Math.max(
        ...[...perBucket('flowlens_query_statement_seconds', 'p99', 'max', 'outcome=ok').values()].map(
          (m) => m.get(last)!,
        ),
      ) * 1000,
    'Memo hit rate':
      (100 * increase('flowlens_query_memo_hits_total')) /
      (increase('flowlens_query_memo_hits_total') + increase('flowlens_query_memo_misses_total')),
    WAL: gaugeAtLast('flowlens_store_wal_disk_bytes'),
    'Data on disk':
      gaugeAtLast('flowlens_store_segment_bytes') +
      gaugeAtLast('flowlens_store_wal_disk_bytes') +
      gaugeAtLast('flowlens_metrics_table_disk_bytes'),
  };
  assert.equal(
    increase('flowlens_collector_decode_errors_total'),
    BAD,
    'the raw rows count the bad datagrams',
  );

  const browser = await launchBrowser(t);
  const { page } = await portalPage(
    t,
    browser,
    demo.url,
    `/ops?${new URLSearchParams({ from: iso(from), to: iso(to) })}`,
  );
  await pageAnswered(page, 'ops-page');
  for (const [tile, value] of Object.entries(expected)) {
    const cell = page.locator(`[data-tile="${tile}"] .tile-value > span`);
    const shown = await cell.getAttribute('data-value');
    // No memo lookup in the range (nothing sealed yet on a fresh server): no rate to show.
    if (Number.isNaN(value)) assert.equal(shown, null, `${tile}: nothing to show`);
    else
      assert.ok(
        Math.abs(Number(shown) - value) <= 1e-9 * Math.max(1, Math.abs(value)),
        `${tile}: page ${shown}, metrics table ${value}`,
      );
  }
  assert.equal(await page.locator('[data-panel]').count(), 9);
  for (const panel of ['ingest', 'decode-errors', 'query-latency', 'wal', 'disk'])
    assert.ok(
      Number(await page.locator(`[data-panel="${panel}"] .time-chart-canvas`).getAttribute('data-series')) >=
        1,
      panel,
    );
  await screenshot(page, 'ops');

  // No snapshot that long ago: the page says so.
  await page.goto(`${demo.url}/ops?from=2020-01-01T00%3A00%3A00.000Z&to=2020-01-01T01%3A00%3A00.000Z`);
  await pageAnswered(page, 'ops-page');
  await page.getByText('No metrics stored in this time range yet').waitFor();

  // A user who is not an admin gets the API's refusal, and why.
  const noc = await loginAs(browser, demo.url, 'noc', 'noc-password', '/ops?range=15m');
  await pageAnswered(noc, 'ops-page', true);
  assert.equal(await noc.locator('.error').getAttribute('data-code'), '42501');
  await noc.getByText('The Ops page is for admins').waitFor();
  await screenshot(noc, 'ops-not-admin');
});

function groups<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** A new tab logged in as `user` (each tab keeps its own credentials). */
async function loginAs(browser: BrowserContext, url: string, user: string, password: string, path: string) {
  const page = await browser.newPage();
  await page.goto(`${url}${path}`);
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  return page;
}
