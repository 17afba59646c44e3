import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, portalPage, screenshot } from './helpers/browser.js';
import { startDemoServer } from './helpers/demo-server.js';
import { column, pageAnswered } from './helpers/pages-wait.js';
import { tempDir } from './helpers/peers.js';
import { readTable } from './helpers/portal-page.js';
import { authHeader } from './helpers/server-process.js';
import { startSynthAgent } from './helpers/synth-agent-process.js';
import { postResults, registerAgent } from './helpers/synth-feed.js';
import { pingResult, traceResult } from './helpers/synth-results.js';

/**
 * The Synthetic tests pages in Chromium against a real `flowlens server --demo`: the empty states,
 * a TCP and an HTTP test created through the form (and found through the API), run by a real
 * `flowlens synth` agent against the server's own HTTP port, and a ping and a traceroute test
 * whose results the test posts as an agent would. Once the agent has stopped, every figure the
 * pages show is compared with what the test reads itself through POST /api/v1/query.
 */

const TOKEN = 'portal-synth-token-0123456789';
/** The page shows `expected` (a NaN from the API: nothing to show, so no value on the page). */
const close = (shown: string | null | undefined, expected: number, what: string) => {
  if (Number.isNaN(expected)) return assert.equal(shown ?? null, null, `${what}: nothing to show`);
  assert.ok(
    shown != null && Math.abs(Number(shown) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: page ${shown}, API ${expected}`,
  );
};

test('Synthetic tests: create through the page, a real agent and posted results, figures as the API reads them', {
  timeout: 300_000,
}, async (t) => {
  const dir = tempDir(t, 'flowlens-portal-synth-');
  writeFileSync(
    `${dir}/config.json`,
    JSON.stringify({
      users: [{ name: 'flowlens', password: 'flowlens', admin: true }],
      synthTokens: [TOKEN],
    }),
  );
  const demo = await startDemoServer(t, { args: ['--config', `${dir}/config.json`] });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${demo.url}${path}`, {
      method,
      headers: { authorization: authHeader(), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const one = async (sql: string) => (await demo.query(sql)).rows[0]!.map(Number);
  const browser = await launchBrowser(t);
  const { page } = await portalPage(t, browser, demo.url, '/synth?range=1h');

  // 1. Nothing yet: both empty states say what to do.
  await pageAnswered(page, 'synth-page');
  await page.getByText('No synthetic tests yet: create one').waitFor();
  assert.match(
    (await page.locator('section[aria-label="Agents"] .empty').textContent()) ?? '',
    /flowlens synth --server http:\/\/127\.0\.0\.1:\d+ --token/,
  );
  await screenshot(page, 'synth-empty');

  // 2. Two tests through the form.
  const port = new URL(demo.url).port;
  const tcp = await createThroughForm(page, 'tcp', {
    target: '127.0.0.1',
    port,
    intervalS: '1',
    label: 'api port',
  });
  const http = await createThroughForm(page, 'http', {
    url: `${demo.url}/api/v1/status`,
    intervalS: '2',
    label: 'status page',
  });
  const listed = (await api('GET', '/api/v1/synth/tests')).body.tests as Record<string, unknown>[];
  assert.deepEqual(
    listed.map((x) => [x.id, x.type, x.target, x.port, x.url, x.label, x.intervalS, x.agents]).sort(),
    [
      [tcp, 'tcp', '127.0.0.1', Number(port), undefined, 'api port', 1, 'all'],
      [http, 'http', '127.0.0.1', undefined, `${demo.url}/api/v1/status`, 'status page', 2, 'all'],
    ].sort(),
  );

  // 3. A real agent runs them for a few seconds, then stops (delivering what it has).
  const agent = startSynthAgent(demo.url, TOKEN, 'portal-e2e');
  t.after(() => agent.stop());
  for (;;) {
    const [a] = await one(`SELECT count(*) FROM synth_tcp WHERE test_id = '${tcp}'`);
    const [b] = await one(`SELECT count(*) FROM synth_http WHERE test_id = '${http}'`);
    if (a! >= 3 && b! >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await agent.stop(), 0, agent.stderr());

  // 4. Ping and traceroute results posted as another agent, over the last ten minutes.
  const feed = await registerAgent(demo.url, TOKEN, 'portal-feed');
  const ping = (
    await api('POST', '/api/v1/synth/tests', {
      type: 'ping',
      target: '192.0.2.1',
      label: 'edge ping',
      agents: [feed],
    })
  ).body.test.id as string;
  const trace = (
    await api('POST', '/api/v1/synth/tests', {
      type: 'trace',
      target: '192.0.2.9',
      label: 'edge path',
      agents: [feed],
    })
  ).body.test.id as string;
  const now = Date.now();
  const times = Array.from({ length: 20 }, (_, k) => now - 600_000 + k * 30_000);
  await postResults(demo.url, TOKEN, feed, [
    ...times.map((time, k) => pingResult(ping, time, k, 0)),
    ...times.map((time, k) => traceResult(trace, time, k)),
  ]);

  // 5. The list: every test's runs, availability, latency and loss as the API computes them.
  await page.goto(`${demo.url}/synth?range=1h`);
  await pageAnswered(page, 'synth-page');
  const tests = await readTable(page, 'Tests');
  const col = (h: string) => column(tests.headers, h);
  const row = (label: string) => tests.rows.find((r) => r.texts[col('Test')]!.startsWith(label))!;
  const expectations: [string, string, string, string][] = [
    ['api port', 'synth_tcp', tcp, 'latency_ms'],
    ['status page', 'synth_http', http, 'total_ms'],
    ['edge ping', 'synth_ping', ping, 'rtt_avg_ms'],
  ];
  for (const [label, table, id, latency] of expectations) {
    const okOnly = table === 'synth_ping' ? 'received > 0' : 'ok = 1';
    const [runs, ok, latencySum, latencyRuns, lossSum] = await one(
      `SELECT count(*), sum(ok), sum(${latency}) FILTER (WHERE ${okOnly}), count(*) FILTER (WHERE ${okOnly}), ${table === 'synth_ping' ? 'sum(loss_pct)' : 'count(*) - sum(ok)'} FROM ${table} WHERE test_id = '${id}'`,
    );
    const r = row(label);
    assert.equal(Number(r.texts[col('Runs')]), runs, `${label} runs`);
    close(r.values[col('Availability')], (ok! / runs!) * 100, `${label} availability`);
    close(r.values[col('Latency')], latencySum! / latencyRuns!, `${label} latency`);
    close(
      r.values[col('Loss')],
      table === 'synth_ping' ? lossSum! / runs! : (lossSum! / runs!) * 100,
      `${label} loss`,
    );
  }
  const agents = await readTable(page, 'Agents');
  const acol = (h: string) => column(agents.headers, h);
  const real = agents.rows.find((r) => r.texts[acol('Agent')] === 'portal-e2e')!;
  const views = (await api('GET', '/api/v1/synth/agents')).body.agents as {
    name: string;
    tests: number;
    report: { results: { sent: number } };
  }[];
  const view = views.find((a) => a.name === 'portal-e2e')!;
  assert.equal(real.texts[acol('State')], 'up');
  assert.equal(Number(real.texts[acol('Tests')]), view.tests);
  assert.equal(Number(real.values[acol('Results sent')]), view.report.results.sent);
  await screenshot(page, 'synth');

  // 6. The HTTP test's page: its phases as the API averages its successful runs.
  await page.getByRole('link', { name: 'status page' }).click();
  await pageAnswered(page, 'test-page');
  const [n, dns, connect, ttfb, transfer] = await one(
    `SELECT count(*), sum(dns_ms), sum(connect_ms), sum(ttfb_ms), sum(transfer_ms) FROM synth_http WHERE test_id = '${http}' AND ok = 1`,
  );
  for (const [phase, sum] of [
    ['dns_ms', dns],
    ['connect_ms', connect],
    ['ttfb_ms', ttfb],
    ['transfer_ms', transfer],
  ] as const) {
    const shown = await page.locator(`.waterfall [data-phase="${phase}"]`).getAttribute('data-value');
    // A phase that did not happen is NaN (no lookup of an address): the page draws no bar for it.
    close(shown, sum! / n!, phase);
  }
  assert.equal(
    await page.locator('.waterfall [data-phase="tls_ms"]').getAttribute('data-value'),
    null,
    'no TLS over http://',
  );
  assert.equal(
    await page.locator('section[aria-label^="Latency"] .time-chart-canvas').getAttribute('data-series'),
    '1',
  );
  await screenshot(page, 'synth-http');

  // 7. The traceroute path, hop by hop: addresses and loss as the API sums the probes.
  await page.goto(`${demo.url}/synth/tests/${trace}?range=1h`);
  await pageAnswered(page, 'test-page');
  const hops = (
    await demo.query(
      `SELECT ttl, sum(probes), sum(received) FROM synth_trace WHERE test_id = '${trace}' AND ttl > 0 GROUP BY 1 ORDER BY 1`,
    )
  ).rows.map((r) => r.map(Number));
  const attrs = async (selector: ReturnType<Page['locator']>, name: string) =>
    Promise.all((await selector.all()).map((el) => el.getAttribute(name)));
  const drawn = await attrs(page.locator('.trace-hop'), 'data-ttl');
  assert.deepEqual(
    drawn.map(Number),
    hops.map((h) => h[0]),
  );
  for (const [ttl, probes, received] of hops) {
    const hop = page.locator(`.trace-hop[data-ttl="${ttl}"]`);
    close(
      await hop.locator('.loss [data-value]').getAttribute('data-value'),
      ((probes! - received!) / probes!) * 100,
      `loss at hop ${ttl}`,
    );
    const addresses = (
      await demo.query(
        `SELECT DISTINCT hop_address FROM synth_trace WHERE test_id = '${trace}' AND ttl = ${ttl}`,
      )
    ).rows
      .map((r) => String(r[0]))
      .sort();
    const shown = await attrs(hop.locator('[data-address]'), 'data-address');
    assert.deepEqual(shown.sort(), addresses, `addresses at hop ${ttl}`);
  }
  await screenshot(page, 'synth-trace');

  // 8. The ping test's page: latency, jitter and loss charts of its agent.
  await page.goto(`${demo.url}/synth/tests/${ping}?range=1h`);
  await pageAnswered(page, 'test-page');
  for (const chart of ['Latency', 'Jitter', 'Packet loss'])
    assert.equal(
      await page.locator(`section[aria-label^="${chart}"] .time-chart-canvas`).getAttribute('data-series'),
      '1',
      chart,
    );
  await screenshot(page, 'synth-ping');

  // 9. An agent whose token is not pre-shared waits for approval; an admin approves it on the page.
  const pending = await fetch(`${demo.url}/api/v1/synth/agents/register`, {
    method: 'POST',
    headers: { authorization: 'Bearer not-a-preshared-token-0123', 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'portal-pending' }),
  });
  assert.equal(pending.status, 202);
  await page.goto(`${demo.url}/synth?range=1h`);
  await pageAnswered(page, 'synth-page');
  const pendingRow = page.locator('tr', { has: page.getByText('portal-pending', { exact: true }) });
  assert.equal(await pendingRow.locator('[data-status]').getAttribute('data-status'), 'pending');
  await pendingRow.getByRole('button', { name: 'Approve' }).click();
  await pendingRow.locator('[data-status="up"]').waitFor();
  const approved = (
    (await api('GET', '/api/v1/synth/agents')).body.agents as { name: string; status: string }[]
  ).find((a) => a.name === 'portal-pending');
  assert.equal(approved?.status, 'approved');

  // 10. Edit the TCP test's label through the form, then delete the HTTP test from the list.
  await page.goto(`${demo.url}/synth/tests/${tcp}/edit`);
  await page.locator('input[name="label"]').fill('api port (edited)');
  await screenshot(page, 'synth-form');
  await page.getByRole('button', { name: 'Save test' }).click();
  await page.waitForURL(new RegExp(`/synth/tests/${tcp}$`));
  const edited = (await api('GET', `/api/v1/synth/tests/${tcp}`)).body.test;
  assert.deepEqual(
    [edited.label, edited.port, edited.target, edited.intervalS],
    ['api port (edited)', Number(port), '127.0.0.1', 1],
  );
  await page.goto(`${demo.url}/synth?range=1h`);
  await pageAnswered(page, 'synth-page');
  const httpRow = page.locator('tr', { has: page.getByRole('link', { name: 'status page' }) });
  await httpRow.getByRole('button', { name: 'Delete' }).click();
  await httpRow.getByRole('button', { name: 'Delete status page?' }).click();
  await page.getByRole('link', { name: 'status page' }).waitFor({ state: 'detached' });
  assert.equal((await api('GET', `/api/v1/synth/tests/${http}`)).status, 404);
});

/** Fills the new-test form (the type, then each named field) and returns the id it was given. */
async function createThroughForm(page: Page, type: string, fields: Record<string, string>): Promise<string> {
  await page.locator('section[aria-label="View"]').getByRole('link', { name: 'New test' }).click();
  await page.locator('select[name="type"]').selectOption(type);
  for (const [name, value] of Object.entries(fields)) await page.locator(`input[name="${name}"]`).fill(value);
  await page.getByRole('button', { name: 'Create test' }).click();
  await page.waitForURL(/\/synth\/tests\/t-[0-9a-f]+$/);
  const id = /\/synth\/tests\/(t-[0-9a-f]+)$/.exec(page.url())![1]!;
  await pageAnswered(page, 'test-page');
  await page.getByRole('link', { name: '‹ All tests' }).click();
  await pageAnswered(page, 'synth-page');
  return id;
}
