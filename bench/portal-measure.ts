import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';

/** The browser side of `npm run bench:portal`: what the Explorer loads, and how fast it answers. */

/** The DOM members the in-page functions use (this file compiles without the DOM lib). */
interface El {
  value: string;
  readonly dataset: Record<string, string | undefined>;
  dispatchEvent(e: unknown): boolean;
}
interface PageGlobals {
  document: { querySelector(s: string): El | null };
  location: { search: string };
  performance: {
    now(): number;
    getEntriesByType(type: 'resource'): { name: string; startTime: number; responseEnd: number }[];
  };
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  MutationObserver: new (
    cb: () => void,
  ) => { observe(el: El, o: { attributes: boolean }): void; disconnect(): void };
  requestAnimationFrame(cb: () => void): void;
  benchResult?: { create: number[]; update: number[]; series: number; points: number };
}

export interface Load {
  /** The JavaScript files fetched until the Explorer had drawn its first answer. */
  readonly files: number;
  readonly gzipBytes: number;
  /** As transferred: the server's compression for Chromium's Accept-Encoding (brotli). */
  readonly transferredBytes: number;
}

/** Opens the Explorer in a new tab, logs in, waits for its chart; counts the JavaScript it loaded. */
export async function openExplorer(
  context: BrowserContext,
  url: string,
  search: string,
): Promise<{ page: Page; load: Load }> {
  const page = await context.newPage();
  const pending = jsSizes(page);
  await page.goto(`${url}/?${search}`);
  await page.getByLabel('User').fill('flowlens');
  await page.getByLabel('Password').fill('flowlens');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForFunction(() => {
    const g = globalThis as unknown as PageGlobals;
    const root = g.document.querySelector('.explorer');
    const chart = g.document.querySelector('.time-chart-canvas');
    return root?.dataset.state === 'ready' && Number(chart?.dataset.revision ?? 0) > 0;
  });
  const files = await Promise.all(pending);
  const load = {
    files: files.length,
    gzipBytes: files.reduce((s, f) => s + f.gzip, 0),
    transferredBytes: files.reduce((s, f) => s + f.sent, 0),
  };
  return { page, load };
}

/** The JavaScript responses of a page as they arrive: gzip -9 size and bytes transferred. */
function jsSizes(page: Page): Promise<{ gzip: number; sent: number }>[] {
  const pending: Promise<{ gzip: number; sent: number }>[] = [];
  page.on('response', (r) => {
    if (!(r.headers()['content-type'] ?? '').includes('javascript')) return;
    pending.push(
      (async () => ({
        gzip: gzipSync(await r.body(), { level: 9 }).length,
        sent: (await r.request().sizes()).responseBodySize,
      }))(),
    );
  });
  return pending;
}

/**
 * Picks `dim` as the first dimension and times, in the page, from the change event to the frame
 * painted after the chart was updated with the answer for the new URL.
 */
export interface Change {
  /** From the change event to the frame painted with the new chart. */
  readonly totalMs: number;
  /** From the last query's answer received to that frame: the browser's own part. */
  readonly clientMs: number;
  readonly queries: number;
}

export function changeDimension(page: Page, dim: string): Promise<Change> {
  const answer = page.evaluate(async (name) => {
    const g = globalThis as unknown as PageGlobals;
    const root = g.document.querySelector('.explorer')!;
    const chart = g.document.querySelector('.time-chart-canvas')!;
    const select = g.document.querySelector('select[name="dim0"]')!;
    const revision = Number(chart.dataset.revision ?? 0);
    const t0 = g.performance.now();
    const done = new Promise<void>((resolve) => {
      const check = () => {
        const answered = root.dataset.state === 'ready' && root.dataset.view === g.location.search.slice(1);
        if (!answered || Number(chart.dataset.revision ?? 0) <= revision) return;
        observer.disconnect();
        resolve();
      };
      const observer = new g.MutationObserver(check);
      observer.observe(root, { attributes: true });
      observer.observe(chart, { attributes: true });
    });
    select.value = name;
    select.dispatchEvent(new g.Event('change', { bubbles: true }));
    await done;
    await new Promise<void>((resolve) => g.requestAnimationFrame(() => setTimeout(resolve, 0)));
    const painted = g.performance.now();
    const answers = g.performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/api/v1/query') && e.startTime >= t0);
    const lastAnswer = Math.max(...answers.map((e) => e.responseEnd));
    return { totalMs: painted - t0, clientMs: painted - lastAnswer, queries: answers.length };
  }, dim);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no chart for dimension ${dim} after 60 s`)), 60_000);
  });
  return Promise.race([answer, limit]).finally(() => clearTimeout(timer));
}

/** Runs a chart microbenchmark page (bench/portal-web/charts-*.html) and returns its timings. */
export async function chartMicro(
  context: BrowserContext,
  url: string,
): Promise<{ create: number[]; update: number[]; series: number; points: number; gzipBytes: number }> {
  const page = await context.newPage();
  const sizes = jsSizes(page);
  await page.goto(url);
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).benchResult !== undefined,
    undefined,
    { timeout: 120_000 },
  );
  const result = await page.evaluate(() => (globalThis as unknown as PageGlobals).benchResult!);
  const files = await Promise.all(sizes);
  await page.close();
  return { ...result, gzipBytes: files.reduce((s, f) => s + f.gzip, 0) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.round((s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 10) / 10;
}
