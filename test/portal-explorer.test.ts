import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, portalPage, screenshot } from './helpers/browser.js';
import { startDemoServer } from './helpers/demo-server.js';
import { chartSeries, explorerAnswered, readTable } from './helpers/portal-page.js';

/**
 * The Explorer in Chromium against a real `flowlens server --demo`. The demo keeps sending, so
 * every number the page shows is checked against two answers the test fetches itself, one before
 * the page loads and one after it has answered: bytes only accumulate, so a group's bytes on the
 * page lie between the two, and its rate between before·8/longest and after·8/shortest time the
 * page can have divided by (the range starts before the server did, so all flows are in it).
 */

const MINUTE = 60_000;
const protocolNames: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58 };

type Sums = Map<string, number>;

test('Explorer: top source ASes, then protocols, then without UDP — every number within the API bounds', async (t) => {
  const demo = await startDemoServer(t);
  const browser = await launchBrowser(t);
  const from = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  const to = from + 2 * 60 * MINUTE;
  const sums = async (key: string, where = 'true'): Promise<Sums> => {
    const r = await demo.query(`SELECT ${key}, sum(in_bytes) FROM all_devices WHERE ${where} GROUP BY 1`);
    return new Map(r.rows.map(([k, v]) => [String(k), Number(v)]));
  };
  /** Checks the table's rows and total against the sums before and after, for `label` → key. */
  const check = async (
    key: string,
    where: string,
    keyOf: (label: string) => string,
    before: Sums,
    t0: number,
  ) => {
    const after = await sums(key, where);
    const t1 = Date.now();
    // The page divides by its own clock's whole seconds since `from`, taken between t0 and t1.
    const shortest = Math.round((t0 - from) / 1000) - 1;
    const longest = Math.round((t1 - from) / 1000) + 1;
    const table = await readTable(page, 'Groups');
    assert.ok(table.rows.length > 0);
    const values = table.rows.map((r) => Number(r.values[1]));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'largest first',
    );
    for (const [i, row] of table.rows.entries()) {
      const k = keyOf(row.texts[0]!);
      assert.ok(after.has(k), `${row.texts[0]} is a group the API knows`);
      const low = ((before.get(k) ?? 0) * 8) / longest;
      const high = (after.get(k)! * 8) / shortest;
      assert.ok(
        values[i]! >= low * (1 - 1e-9) && values[i]! <= high * (1 + 1e-9),
        `${row.texts[0]}: ${values[i]} not in [${low}, ${high}]`,
      );
    }
    const total = Number(table.footer!.values[1]);
    const sum = (m: Sums) => [...m.values()].reduce((a, b) => a + b, 0);
    assert.ok(
      total >= ((sum(before) * 8) / longest) * (1 - 1e-9) &&
        total <= ((sum(after) * 8) / shortest) * (1 + 1e-9),
      `total ${total}`,
    );
    // Every group of the API's first answer is on the page (first page: the largest ones).
    const shown = table.pager === undefined ? table.rows.length : Number(/of (\d+) \(/.exec(table.pager)![1]);
    assert.ok(
      shown >= before.size && shown <= after.size,
      `${shown} groups, API ${before.size}…${after.size}`,
    );
    return table;
  };

  // 1. The URL gives the view: bits/s by source AS, an absolute range, top 5.
  let before = await sums('src_as');
  let t0 = Date.now();
  const search = new URLSearchParams({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    dim: 'src_as',
    metric: 'bps',
    top: '5',
  });
  const { page } = await portalPage(t, browser, demo.url, `/?${search}`);
  await explorerAnswered(page);
  const byAs = await check('src_as', 'true', (label) => label.replace(/^AS/, ''), before, t0);
  // The chart draws the five largest, in the table's order, and the rest as "Other".
  const series = await chartSeries(page);
  assert.deepEqual(
    series.slice(0, 5),
    byAs.rows.slice(0, 5).map((r) => r.texts[0]),
  );
  assert.equal(series.length, byAs.rows.length > 5 ? 6 : byAs.rows.length);
  if (byAs.rows.length > 5) assert.equal(series[5], 'Other');
  assert.equal(await page.locator('.time-chart-canvas').getAttribute('data-series'), String(series.length));
  await screenshot(page, 'explorer-src-as');

  // 2. Another dimension: the URL changes, and the numbers follow.
  before = await sums('protocol');
  t0 = Date.now();
  await page.locator('select[name="dim0"]').selectOption('protocol');
  await explorerAnswered(page);
  assert.equal(new URL(page.url()).searchParams.get('dim'), 'protocol');
  const byProtocol = await check(
    'protocol',
    'true',
    (label) => String(protocolNames[label] ?? label),
    before,
    t0,
  );
  assert.ok(
    byProtocol.rows.some((r) => r.texts[0] === 'UDP'),
    'the demo sends UDP flows',
  );

  // 3. A negated filter: no UDP on the page, the rest against the API's filtered sums.
  before = await sums('protocol', 'protocol <> 17');
  t0 = Date.now();
  await page.getByLabel('New filter').fill('protocol != 17');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await explorerAnswered(page);
  assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), ['protocol != 17']);
  const withoutUdp = await check(
    'protocol',
    'protocol <> 17',
    (label) => String(protocolNames[label] ?? label),
    before,
    t0,
  );
  assert.ok(!withoutUdp.rows.some((r) => r.texts[0] === 'UDP'));
  await screenshot(page, 'explorer-protocol-filtered');

  // 4. The SQL is shown, and "Open in Query" runs that same statement on the Query page.
  const sql = await page.locator('pre[data-sql="Table"]').textContent();
  assert.match(sql!, /WHERE .*\n {2}AND protocol <> 17\nGROUP BY protocol/s);
  await page.getByRole('link', { name: 'Open in Query' }).first().click();
  await page.locator('section[aria-label="Result"][data-state="done"]').waitFor();
  assert.equal(await page.getByLabel('SQL').inputValue(), sql);
  const result = await readTable(page, 'Result');
  assert.deepEqual(result.headers, ['protocol', 'bits_per_s']);
  assert.equal(result.rows.length, withoutUdp.rows.length);
  // Back to the Explorer: the history holds the view.
  await page.goBack();
  await explorerAnswered(page);
  assert.deepEqual(new URL(page.url()).searchParams.getAll('f'), ['protocol != 17']);
});

test('Explorer on a server without flows: the empty state says what to do', async (t) => {
  const demo = await startDemoServer(t, { demo: false });
  const browser = await launchBrowser(t);
  const { page } = await portalPage(t, browser, demo.url, '/?range=15m');
  await explorerAnswered(page);
  const count = await demo.query('SELECT count(*) FROM all_devices');
  assert.equal(count.rows[0]![0], 0, 'the oracle: no flows at all');
  await page.getByText('No flows in this time range').first().waitFor();
  assert.match((await page.locator('.empty').first().textContent())!, /--demo/);
  await screenshot(page, 'explorer-empty');
});

test('Explorer shows an API error as the API words it', async (t) => {
  const demo = await startDemoServer(t, { demo: false });
  const browser = await launchBrowser(t);
  // Our filter syntax accepts it; the engine refuses the address. The test asks the API itself.
  const api = await fetch(`${demo.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('flowlens:flowlens').toString('base64')}` },
    body: JSON.stringify({ sql: "SELECT 1 FROM all_devices WHERE src_addr = '10.0.0.300'" }),
  });
  const { error } = (await api.json()) as { error: { code: string; message: string } };
  assert.equal(api.status, 400);
  const { page } = await portalPage(
    t,
    browser,
    demo.url,
    `/?${new URLSearchParams({ f: 'src_addr = 10.0.0.300' })}`,
  );
  const box = page.getByRole('alert').filter({ hasText: error.code });
  await box.waitFor();
  assert.equal(await box.locator('.error-code').textContent(), error.code);
  assert.equal(await box.locator('.error-message').textContent(), error.message);
  await screenshot(page, 'explorer-error');
});

test('Explorer: a relative range refreshes itself with a later window; an absolute one does not', async (t) => {
  const demo = await startDemoServer(t, { demo: false });
  const browser = await launchBrowser(t);
  // The tab's clock is Playwright's fake one, moved forward by the test instead of waited for. It
  // starts 2 s into a minute, so the 31 s below stay in that minute and the window keeps its start.
  const minuteStart = Math.floor(Date.now() / 60_000) * 60_000 + 2_000;
  const { page } = await portalPage(t, browser, demo.url, '/?range=5m', (p) =>
    p.clock.install({ time: minuteStart }),
  );
  await explorerAnswered(page);
  const tableQueries: string[] = [];
  page.on('request', (r) => {
    const sql = r.url().endsWith('/api/v1/query')
      ? (JSON.parse(r.postData() ?? '{}') as { sql?: string }).sql
      : undefined;
    if (sql?.includes('GROUP BY src_as')) tableQueries.push(sql);
  });
  const seconds = (sql: string) => Number(/ \/ (\d+)\.0 AS bits_per_s/.exec(sql)![1]);
  const first = seconds((await page.locator('pre[data-sql="Table"]').textContent())!);
  // Last 5 minutes refreshes every 30 s (half its 1-minute step).
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/query'));
  await page.clock.runFor(31_000);
  await answered;
  await explorerAnswered(page);
  assert.equal(tableQueries.length, 1, 'one refresh of the table');
  // It ran 30 s later (the interval), so its rates divide by 30 s more: the window's start is the same.
  assert.ok(seconds(tableQueries[0]!) >= first + 30, `${first} s, then ${seconds(tableQueries[0]!)} s`);
  const shown = await page.locator('pre[data-sql="Table"]').textContent();
  assert.equal(shown, tableQueries[0], 'the page shows the refreshed statement');
  // An absolute range: ten fake minutes pass without a query.
  await page.locator('select[name="range"]').selectOption('absolute');
  await page.getByRole('button', { name: 'Apply' }).click();
  await explorerAnswered(page);
  const before = tableQueries.length;
  await page.clock.runFor(600_000);
  assert.equal(new URL(page.url()).searchParams.get('range'), null);
  assert.equal(tableQueries.length, before);
});
