import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTime, timeTick } from '../../../src/portal/format-units.js';
import type { ChartSpec, CreateChart } from './chart-types.js';
import { colorAt } from './palette.js';

/**
 * TimeChart on uPlot (chosen by measurement, docs/portal.md): canvas lines, x in UTC from
 * millisecond timestamps, the legend under the chart showing values at the cursor. A new spec with
 * the same series labels only swaps the data (no new canvas, no new DOM).
 */
export const createChart: CreateChart = (el, first, width) => {
  let spec = first;
  let plot = new uPlot(options(spec, width), data(spec), el);
  return {
    update(next) {
      const same =
        next.series.length === spec.series.length &&
        next.series.every((s, i) => s.label === spec.series[i]!.label) &&
        next.height === spec.height;
      spec = next;
      if (same) {
        plot.setData(data(next));
        return;
      }
      const w = plot.width;
      plot.destroy();
      plot = new uPlot(options(next, w), data(next), el);
    },
    resize(w) {
      if (w !== plot.width) plot.setSize({ width: w, height: spec.height });
    },
    destroy() {
      plot.destroy();
    },
  };
};

function options(spec: ChartSpec, width: number): uPlot.Options {
  const fmt = (v: number | null) => (v === null ? '—' : spec.format(v));
  return {
    width,
    height: spec.height,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] } },
    series: [
      { label: 'Time (UTC)', value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatTime(v)) },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? colorAt(i),
        width: 1.5,
        value: (_u: uPlot, v: number | null) => fmt(v),
        points: { show: s.points === true, size: 5 },
        spanGaps: s.spanGaps === true,
      })),
    ],
    axes: [
      { values: (_u, splits, _i, _space, incr) => splits.map((t) => timeTick(t, incr)) },
      { size: 80, values: (_u, splits) => splits.map((v) => fmt(v)) },
    ],
  };
}

function data(spec: ChartSpec): uPlot.AlignedData {
  return [spec.times as number[], ...spec.series.map((s) => s.values as (number | null)[])];
}
