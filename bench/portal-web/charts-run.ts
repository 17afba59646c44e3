import type { ChartSpec, CreateChart } from '../../web/src/components/chart-types.js';

/**
 * The chart microbenchmark run in Chromium by `npm run bench:portal`: ~10 series × 1 500 points
 * (a random walk per series, seeded), drawn and then updated with new data, each timed until the
 * browser has painted the frame after it (requestAnimationFrame, then a task). Results land in
 * `window.benchResult`.
 */

const SERIES = 10;
const POINTS = 1500;

function dataset(seed: number): ChartSpec {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const times = Array.from({ length: POINTS }, (_, i) => 1_767_600_000_000 + i * 60_000);
  const series = Array.from({ length: SERIES }, (_, k) => {
    let v = 1e6 * (k + 1);
    return { label: `series ${k}`, values: times.map(() => (v = Math.max(0, v + (rnd() - 0.5) * 2e5))) };
  });
  return { times, series, format: (v) => `${Math.round(v / 1e3)} k`, height: 280 };
}

const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

export async function runChartBench(createChart: CreateChart, rounds = 7, updates = 10): Promise<void> {
  const specs = [dataset(1), dataset(2)];
  const create: number[] = [];
  const update: number[] = [];
  const el = document.getElementById('chart')!;
  await painted();
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const chart = createChart(el, specs[0]!, 1200);
    await painted();
    create.push(performance.now() - t0);
    for (let u = 0; u < updates; u++) {
      const t1 = performance.now();
      chart.update(specs[(u + 1) % 2]!);
      await painted();
      update.push(performance.now() - t1);
    }
    chart.destroy();
    el.replaceChildren();
  }
  (window as unknown as { benchResult: unknown }).benchResult = {
    create,
    update,
    series: SERIES,
    points: POINTS,
  };
}
