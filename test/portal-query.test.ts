import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser, portalPage, screenshot } from './helpers/browser.js';
import { startDemoServer } from './helpers/demo-server.js';
import { readTable } from './helpers/portal-page.js';

/**
 * The Query page in Chromium against a real `flowlens server --demo`: the schema beside the box,
 * results as a sortable paged table, errors with their SQLSTATE and position — each checked
 * against what the test asks the API itself.
 */

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function apiError(url: string, sql: string, authorization = basic('flowlens', 'flowlens')) {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization },
    body: JSON.stringify({ sql }),
  });
  return {
    status: res.status,
    ...((await res.json()) as { error: { code: string; message: string; position?: number } }).error,
  };
}

test('Query: schema, a statement run with Ctrl+Enter, sorting, paging, and an error underlined', async (t) => {
  const demo = await startDemoServer(t);
  const browser = await launchBrowser(t);
  const { page } = await portalPage(t, browser, demo.url, '/query');

  // The schema: the tables information_schema lists, all_devices open with its columns.
  const tables = await demo.query(
    "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const schema = page.getByRole('navigation', { name: 'Schema' });
  await schema.locator('summary').first().waitFor();
  const shown = (await schema.locator('summary').allTextContents()).map((s) => s.trim());
  assert.deepEqual([...shown].sort(), tables.rows.map((r) => String(r[0])).sort());
  assert.equal(shown[0], 'all_devices');
  const columns = await demo.query(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'all_devices' ORDER BY ordinal_position",
  );
  const listed = await schema.locator('details[open] li button').allTextContents();
  assert.deepEqual(
    listed,
    columns.rows.map((r) => String(r[0])),
  );

  // A statement typed and run with Ctrl+Enter. Flows per protocol: counts only grow while the demo
  // sends, so each shown count lies between the API's answers before and after.
  const sql = 'SELECT protocol, count(*) AS flows FROM all_devices GROUP BY protocol';
  const counts = async () => new Map((await demo.query(sql)).rows.map(([p, n]) => [Number(p), Number(n)]));
  const before = await counts();
  const box = page.getByLabel('SQL');
  await box.fill(sql);
  await box.press('Control+Enter');
  await page.locator('section[aria-label="Result"][data-state="done"]').waitFor();
  const after = await counts();
  assert.equal(new URL(page.url()).searchParams.get('sql'), sql, 'the URL holds the statement');
  const result = await readTable(page, 'Result');
  assert.deepEqual(result.headers, ['protocol', 'flows']);
  for (const row of result.rows) {
    const [p, n] = row.texts.map(Number) as [number, number];
    assert.ok(n >= (before.get(p) ?? 0) && n <= after.get(p)!, `protocol ${p}: ${n}`);
  }
  assert.ok(result.rows.length >= before.size && result.rows.length <= after.size);
  // Sorting by a header: flows descending, then ascending.
  await page.getByRole('button', { name: 'flows' }).click();
  const desc = (await readTable(page, 'Result')).rows.map((r) => Number(r.texts[1]));
  assert.deepEqual(
    desc,
    [...desc].sort((a, b) => b - a),
  );
  await page.getByRole('button', { name: /^flows/ }).click();
  const asc = (await readTable(page, 'Result')).rows.map((r) => Number(r.texts[1]));
  assert.deepEqual(
    asc,
    [...asc].sort((a, b) => a - b),
  );

  // A larger result is paged, 50 rows a page.
  await box.fill('SELECT src_addr, dst_addr, in_bytes FROM all_devices LIMIT 120');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('[data-command="SELECT 120"]').waitFor();
  let paged = await readTable(page, 'Result');
  assert.equal(paged.rows.length, 50);
  assert.match(paged.pager!, /^rows 1–50 of 120 \(page 1 of 3\)$/);
  await page.getByRole('button', { name: 'Next ›' }).click();
  paged = await readTable(page, 'Result');
  assert.match(paged.pager!, /^rows 51–100 of 120/);
  await screenshot(page, 'query-result');

  // An error: the API's code and message, and the token at its position underlined.
  const bad = 'SELECT src_as,\n  sum(in_bytes)\nFROM no_such_table\nGROUP BY 1';
  const expected = await apiError(demo.url, bad);
  assert.equal(expected.status, 400);
  await box.fill(bad);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.locator('.error-code').textContent(), expected.code);
  assert.equal(await alert.locator('.error-message').textContent(), expected.message);
  // The API's position counts characters from 1; the line holding it is shown with the word there underlined.
  const at = expected.position! - 1;
  const lineNo = bad.slice(0, at).split('\n').length;
  const word = /^\w+/.exec(bad.slice(at))![0];
  assert.equal(await alert.locator('u').textContent(), word);
  assert.match((await alert.locator('.sql-caret').textContent())!, new RegExp(`^LINE ${lineNo}: `));
  await screenshot(page, 'query-error');
});

test("Login: wrong credentials get the API's 401 words; the right ones open the page", async (t) => {
  const demo = await startDemoServer(t, { demo: false });
  const browser = await launchBrowser(t);
  const expected = await apiError(demo.url, 'SELECT 1', basic('flowlens', 'wrong'));
  assert.equal(expected.status, 401);
  const page = await browser.newPage();
  await page.goto(`${demo.url}/query`);
  await page.getByLabel('User').fill('flowlens');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.locator('.error-code').textContent(), expected.code);
  assert.equal(await alert.locator('.error-message').textContent(), expected.message);
  await screenshot(page, 'login-refused');
  await page.getByLabel('Password').fill('flowlens');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Schema' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/query', 'the deep link survives the login');
});
