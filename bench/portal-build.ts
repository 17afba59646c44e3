import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

/**
 * What `npm run bench:portal` builds besides the portal itself (dist-web, by `npm run build`): the
 * same Explorer with ECharts swapped in for uPlot (a Vite alias on TimeChart's one import of the
 * chart library), and the chart microbenchmark pages of both libraries (bench/portal-web/).
 */

export const hasECharts = (root: string) => existsSync(join(root, 'node_modules', 'echarts', 'package.json'));

export async function buildEChartsExplorer(root: string, outDir: string): Promise<void> {
  await build({
    configFile: join(root, 'web', 'vite.config.ts'),
    root: join(root, 'web'),
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2048 },
    resolve: {
      alias: [
        { find: /^\.\/chart-uplot\.js$/, replacement: join(root, 'bench', 'portal-web', 'chart-echarts.ts') },
      ],
    },
    logLevel: 'warn',
  });
}

export async function buildChartPages(root: string, outDir: string, libs: readonly string[]): Promise<void> {
  const dir = join(root, 'bench', 'portal-web');
  await build({
    configFile: false,
    root: dir,
    base: '/',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2048,
      rollupOptions: { input: Object.fromEntries(libs.map((lib) => [lib, join(dir, `charts-${lib}.html`)])) },
    },
    logLevel: 'warn',
  });
}
