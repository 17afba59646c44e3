import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, portalPage, screenshot } from './helpers/browser.js';
import { startDemoServer } from './helpers/demo-server.js';
import { column, pageAnswered } from './helpers/pages-wait.js';
import { readTable } from './helpers/portal-page.js';
import { getStatus } from './helpers/server-process.js';
import { sendGarbage, sendV5WithGap } from './helpers/v5-gap.js';

/**
 * The Devices pages in Chromium against a real `flowlens server --demo`, plus a router of the
 * test's own (127.0.0.21) that loses 5 flows in a NetFlow v5 sequence gap, and 3 datagrams from
 * the demo's first router that are no flow export. Decode errors and losses are known by
 * construction (and checked against GET /api/v1/status); rates are checked against flows counted
 * by the test through POST /api/v1/query before the page loads and after it has answered: the
 * range starts on a minute before the server did, so the page's rate is its count divided by the
 * seconds from there to its own clock, which lies between the two answers' times.
 */

const MINUTE = 60_000;

interface Sums {
  flows: number;
  bytes: number;
  rate: number;
}

test('Devices: rates within the API bounds, known decode errors and losses, a device page with its traffic', async (t) => {
  const demo = await startDemoServer(t);
  const status = await getStatus(demo.url);
  const port = status.collector.udp.find((l: { name: string }) => l.name === 'netflow').port as number;
  await sendGarbage(port, '127.0.0.11', 3);
  await sendV5WithGap(port, '127.0.0.21', 5);
  const collector = async () => {
    for (;;) {
      const devices = (await getStatus(demo.url)).collector.devices as Record<string, number | string>[];
      const byName = new Map(devices.map((d) => [d.name as string, d]));
      if (byName.get('127.0.0.11')?.decodeErrors === 3 && byName.get('127.0.0.21')?.lostFlows === 5)
        return byName;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const counters = await collector();

  const from = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  const to = from + 120 * MINUTE;
  const sums = async () => {
    const r = await demo.query(
      `SELECT i_device_name, count(*), sum(in_bytes), max(sample_rate) FROM all_devices WHERE i_start_time >= '${new Date(from).toISOString()}' AND i_start_time < '${new Date(to).toISOString()}' GROUP BY 1`,
    );
    return new Map<string, Sums>(
      r.rows.map(([name, flows, bytes, rate]) => [
        String(name),
        { flows: Number(flows), bytes: Number(bytes), rate: Number(rate) },
      ]),
    );
  };
  const browser = await launchBrowser(t);
  const before = await sums();
  const t0 = Date.now();
  const search = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  const { page } = await portalPage(t, browser, demo.url, `/devices?${search}`);
  await pageAnswered(page, 'devices-page');
  const t1 = Date.now();
  const after = await sums();
  const table = await readTable(page, 'Devices');
  const col = (h: string) => column(table.headers, h);
  const rowOf = (name: string) => table.rows.find((r) => r.texts[col('Device')] === name);
  assert.deepEqual(table.rows.map((r) => r.texts[col('Device')]).sort(), [
    '127.0.0.11',
    '127.0.0.12',
    '127.0.0.13',
    '127.0.0.14',
    '127.0.0.21',
  ]);
  const within = (value: string | null | undefined, low: number, high: number, what: string) => {
    const v = Number(value);
    assert.ok(v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9), `${what}: ${value} not in [${low}, ${high}]`);
  };
  for (const [name, a] of after) {
    const row = rowOf(name);
    assert.ok(row, `${name} listed`);
    const b = before.get(name) ?? { flows: 0, bytes: 0, rate: 0 };
    // The page divides by (its clock − from), its clock read between t0 and t1.
    const [longest, shortest] = [(t1 - from) / 1000, (t0 - from) / 1000];
    within(row.values[col('Flows/s')], b.flows / longest, a.flows / shortest, `${name} flows/s`);
    within(row.values[col('Bytes/s')], b.bytes / longest, a.bytes / shortest, `${name} bytes/s`);
    assert.equal(Number(row.values[col('Sampling')]), a.rate, `${name} sampling rate`);
    const c = counters.get(name)!;
    for (const [header, key] of [
      ['Decode errors', 'decodeErrors'],
      ['Lost flows', 'lostFlows'],
      ['Lost packets', 'lostPackets'],
      ['Template misses', 'templateMisses'],
    ] as const)
      assert.equal(Number(row.values[col(header)]), c[key], `${name} ${header}`);
  }
  assert.equal(rowOf('127.0.0.11')!.values[col('Decode errors')], '3');
  assert.equal(rowOf('127.0.0.21')!.values[col('Lost flows')], '5');
  assert.equal(rowOf('127.0.0.12')!.texts[col('Status')], 'active');
  await screenshot(page, 'devices');

  // The first demo router's page: its figures, charts and busiest input interfaces.
  await page.getByRole('link', { name: '127.0.0.11', exact: true }).click();
  await page.waitForURL(/\/devices\/\d+\?/);
  await pageAnswered(page, 'device-page');
  const id = Number(/\/devices\/(\d+)/.exec(page.url())![1]);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '127.0.0.11 active');
  assert.equal(
    await page.locator('dt:text-is("Decode errors") + dd [data-value]').getAttribute('data-value'),
    '3',
  );
  for (const chart of ['Traffic', 'Packets', 'Flows'])
    assert.equal(
      await page.locator(`section[aria-label="${chart}"] .time-chart-canvas`).getAttribute('data-series'),
      '1',
    );
  const ifaces = await readTable(page, 'Top input interfaces');
  const iface = await demo.query(
    `SELECT input_port, sum(in_bytes) FROM all_devices WHERE i_device_id = ${id} AND i_start_time >= '${new Date(from).toISOString()}' GROUP BY 1`,
  );
  const known = new Set(iface.rows.map((r) => String(r[0])));
  assert.ok(ifaces.rows.length > 0 && ifaces.rows.length <= 10);
  for (const r of ifaces.rows) assert.ok(known.has(r.texts[0]!), `ifIndex ${r.texts[0]} has flows`);
  const explorer = await page.getByRole('link', { name: 'Open in Explorer' }).getAttribute('href');
  assert.match(explorer!, new RegExp(`f=i_device_id\\+%3D\\+${id}`));
  await screenshot(page, 'device');

  // Another range from the picker: the URL says it and the page answers it.
  await page.locator('select[name="range"]').selectOption('5m');
  await page.waitForURL(/range=5m/);
  await pageAnswered(page, 'device-page');
  assert.match((await page.getByRole('heading', { level: 1 }).textContent()) ?? '', /^127\.0\.0\.11/);
});

test('Devices: a server with no exporters says what to do', async (t) => {
  const empty = await startDemoServer(t, { demo: false });
  const browser = await launchBrowser(t);
  const { page } = await portalPage(t, browser, empty.url, '/devices?range=15m');
  await pageAnswered(page, 'devices-page');
  await page.getByText('No devices yet').waitFor();
  assert.match((await page.locator('.empty').textContent()) ?? '', /flowlens server --demo/);
  await screenshot(page, 'devices-empty');
  await page.goto(`${empty.url}/devices/42?range=15m`);
  await pageAnswered(page, 'device-page');
  await page.getByText('No device with id 42').waitFor();
});
