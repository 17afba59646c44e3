import client from 'prom-client';
import { prometheusText } from '../src/metrics/prometheus.js';
import { Registry } from '../src/metrics/registry.js';

/**
 * What instrumentation costs (issue 5): nanoseconds per hot-path call of our metrics beside
 * prom-client's nearest equivalents, and the time to render a registry of many series as
 * Prometheus text, ours and prom-client's, in the same run. `npm run bench:metrics`; JSON out.
 * Best of 5 runs of each loop; each loop is its own function so its call site stays monomorphic.
 */
const calls = 5_000_000;
let sink = 0;

function best(loop: (n: number) => void, n = calls): number {
  let out = Infinity;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    loop(n);
    out = Math.min(out, Number(process.hrtime.bigint() - t0) / n);
  }
  return Math.round(out * 100) / 100;
}

const ours = new Registry();
const counter = ours.counter('flowlens_bench_ops_total');
const meter = ours.meter('flowlens_bench_events_total');
const histogram = ours.histogram('flowlens_bench_sizes_bytes');
const timer = ours.timer('flowlens_bench_work_seconds');

const prom = new client.Registry();
const pCounter = new client.Counter({ name: 'p_ops_total', help: 'h', registers: [prom] });
const pHistogram = new client.Histogram({ name: 'p_sizes_bytes', help: 'h', registers: [prom] });
const pSummary = new client.Summary({ name: 'p_work_seconds', help: 'h', registers: [prom] });

const hotPath = {
  baseline: best((n) => {
    for (let i = 0; i < n; i++) sink += i & 1;
  }),
  counterInc: best((n) => {
    for (let i = 0; i < n; i++) counter.inc();
  }),
  promCounterInc: best((n) => {
    for (let i = 0; i < n; i++) pCounter.inc();
  }),
  meterMark: best((n) => {
    for (let i = 0; i < n; i++) meter.mark();
  }),
  histogramUpdate: best((n) => {
    for (let i = 0; i < n; i++) histogram.update(i & 1023);
  }),
  promHistogramObserve: best((n) => {
    for (let i = 0; i < n; i++) pHistogram.observe(i & 1023);
  }),
  timerStartStop: best((n) => {
    for (let i = 0; i < n; i++) timer.stop(timer.start());
  }, calls / 5),
  promSummaryObserve: best((n) => {
    for (let i = 0; i < n; i++) pSummary.observe(i & 1023);
  }, calls / 5),
};

/** A registry shaped like a busy server's: 100 devices × 8 counters, 50 timers. */
async function exposition(): Promise<Record<string, number>> {
  const r = new Registry();
  const p = new client.Registry();
  const pc = new client.Counter({
    name: 'x_total',
    help: 'h',
    labelNames: ['device', 'kind'],
    registers: [p],
  });
  const ps = new client.Summary({ name: 'y_seconds', help: 'h', labelNames: ['stage'], registers: [p] });
  for (let d = 0; d < 100; d++)
    for (let k = 0; k < 8; k++) {
      r.counter(`flowlens_bench_x${k}_total`, { device: `d${d}` }).inc(d);
      pc.inc({ device: `d${d}`, kind: `k${k}` }, d);
    }
  for (let s = 0; s < 50; s++) {
    const t = r.timer('flowlens_bench_stage_seconds', { stage: `s${s}` });
    for (let i = 0; i < 1000; i++) t.update(i / 1000);
    for (let i = 0; i < 1000; i++) ps.observe({ stage: `s${s}` }, i / 1000);
  }
  const time = async (f: () => unknown) => {
    let out = Infinity;
    for (let run = 0; run < 5; run++) {
      const t0 = process.hrtime.bigint();
      await f();
      out = Math.min(out, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return Math.round(out * 100) / 100;
  };
  return {
    series: 850,
    oursMs: await time(() => prometheusText(r)),
    promClientMs: await time(() => p.metrics()),
  };
}

console.log(
  JSON.stringify({
    calls,
    nsPerCall: hotPath,
    ratioPromOverOurs: {
      counter: Math.round((hotPath.promCounterInc / hotPath.counterInc) * 100) / 100,
      histogram: Math.round((hotPath.promHistogramObserve / hotPath.histogramUpdate) * 100) / 100,
      timerVsSummary: Math.round((hotPath.promSummaryObserve / hotPath.timerStartStop) * 100) / 100,
    },
    exposition: await exposition(),
    sink,
  }),
);
