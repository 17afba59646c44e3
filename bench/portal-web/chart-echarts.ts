import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartSpec, CreateChart } from '../../web/src/components/chart-types.js';
import { colorAt } from '../../web/src/components/palette.js';

/**
 * TimeChart on ECharts, for `npm run bench:portal` only: the same contract as the portal's uPlot
 * chart (web/src/components/chart-uplot.ts), swapped in by a Vite alias to measure the other
 * library in the same Explorer. Tree-shaken to a line chart on canvas with a time axis, tooltip
 * and legend; no animation (the measurement is the first frame with the new data).
 */
echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export const createChart: CreateChart = (el, first, width) => {
  let spec = first;
  el.style.height = `${spec.height}px`;
  const chart = echarts.init(el, undefined, { renderer: 'canvas', width, height: spec.height });
  chart.setOption(option(spec), { notMerge: true });
  return {
    update(next) {
      const same =
        next.series.length === spec.series.length &&
        next.series.every((s, i) => s.label === spec.series[i]!.label);
      spec = next;
      if (same) chart.setOption({ series: seriesOf(next) });
      else chart.setOption(option(next), { notMerge: true });
    },
    resize(w) {
      chart.resize({ width: w, height: spec.height });
    },
    destroy() {
      chart.dispose();
    },
  };
};

function seriesOf(spec: ChartSpec) {
  return spec.series.map((s, i) => ({
    name: s.label,
    type: 'line' as const,
    showSymbol: false,
    color: s.color ?? colorAt(i),
    lineStyle: { width: 1.5 },
    data: Array.from(s.values, (v, j) => [spec.times[j]!, v]),
  }));
}

function option(spec: ChartSpec): echarts.EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 80, right: 16, top: 16, bottom: 56 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? spec.format(v) : '—'),
    },
    legend: { bottom: 0, type: 'scroll' },
    xAxis: {
      type: 'time',
      axisLabel: { formatter: (ms: number) => new Date(ms).toISOString().slice(11, 16) },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => spec.format(v) } },
    series: seriesOf(spec),
  };
}
