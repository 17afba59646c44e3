import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildChartPages, buildEChartsExplorer, hasECharts } from './portal-build.js';
import { startDemo } from './portal-demo.js';
import {
  type Change,
  changeDimension,
  chartMicro,
  type Load,
  median,
  openExplorer,
} from './portal-measure.js';
import { servePortal } from './portal-serve.js';

/**
 * `npm run bench:portal` (issue 8): the Explorer's initial JavaScript (gzip -9 and as transferred)
 * and the time from a change of dimension to the chart painted with the answer, median of 9, in
 * Debian's Chromium against `flowlens server --demo` — the portal as built (uPlot) beside the same
 * Explorer built with ECharts, measured in turns in one run; then both libraries alone drawing and
 * updating 10 series × 1 500 points. JSON on stdout.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const dims = [
  'dst_as',
  'protocol',
  'src_geo',
  'l4_dst_port',
  'dst_geo',
  'input_port',
  'i_device_name',
  'src_as',
  'dst_as',
];
const view = 'range=1h&dim=src_as&metric=bps&top=10';
const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-portal-web-'));
const libs = hasECharts(root) ? ['uplot', 'echarts'] : ['uplot'];
const progress = (what: string) => process.stderr.write(`bench:portal: ${what}\n`);

if (libs.includes('echarts')) {
  const check = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'bench/portal-web/tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
  if (check.status !== 0) throw new Error('bench/portal-web does not type-check');
  await buildEChartsExplorer(root, join(work, 'echarts'));
}
await buildChartPages(root, join(work, 'charts'), libs);
progress('built; starting flowlens server --demo');

const demo = await startDemo(20_000);
const context: BrowserContext = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const dirs: Record<string, string> = { uplot: join(root, 'dist-web'), echarts: join(work, 'echarts') };
  const served = await Promise.all(libs.map((lib) => servePortal(dirs[lib]!, demo.url)));
  const pages: { lib: string; page: Page; load: Load; times: Change[] }[] = [];
  for (const [i, lib] of libs.entries()) {
    pages.push({ lib, ...(await openExplorer(context, served[i]!.url, view)), times: [] });
    progress(`${lib}: Explorer loaded`);
  }
  // In turns, the first to go alternating: the second to ask finds the first's answers in the memo.
  for (const [round, dim] of dims.entries()) {
    const order = round % 2 === 0 ? pages : [...pages].reverse();
    for (const p of order) {
      // A background tab's frames are throttled: the one measured is in front.
      await p.page.bringToFront();
      p.times.push(await changeDimension(p.page, dim));
    }
    progress(
      `dimension ${dim}: ${pages.map((p) => `${p.lib} ${Math.round(p.times.at(-1)!.totalMs)} ms`).join(', ')}`,
    );
  }
  const chartPages = await servePortal(join(work, 'charts'), demo.url);
  served.push(chartPages);
  const micro: Record<string, unknown> = {};
  for (const lib of libs) {
    progress(`${lib}: drawing 10 series × 1 500 points`);
    const r = await chartMicro(context, `${chartPages.url}/charts-${lib}.html`);
    micro[lib] = {
      createMs: median(r.create),
      updateMs: median(r.update),
      gzipBytes: r.gzipBytes,
      series: r.series,
      points: r.points,
    };
  }
  const explorer = Object.fromEntries(
    pages.map((p) => [
      p.lib,
      {
        initialJsGzipBytes: p.load.gzipBytes,
        initialJsTransferredBytes: p.load.transferredBytes,
        initialJsFiles: p.load.files,
        dimensionChangeMs: median(p.times.map((t) => t.totalMs)),
        answerToPaintMs: median(p.times.map((t) => t.clientMs)),
        queriesPerChange: median(p.times.map((t) => t.queries)),
        dimensionChangeSamplesMs: p.times.map((t) => Math.round(t.totalMs)),
      },
    ]),
  );
  const out = {
    chart: 'uplot',
    view,
    explorer,
    chartMicro: micro,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  await Promise.all(served.map((s) => s.server.stop(100)));
} finally {
  await context.close();
  await demo.stop();
  rmSync(work, { recursive: true, force: true });
}
