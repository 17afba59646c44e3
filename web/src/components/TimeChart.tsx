import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ChartInstance, ChartSpec, TimeSeries } from './chart-types.js';
import { createChart } from './chart-uplot.js';
import { Empty } from './Empty.js';

export type { TimeSeries } from './chart-types.js';

export interface TimeChartProps {
  /** Milliseconds since the epoch, ascending (shown in UTC). */
  readonly times: ArrayLike<number>;
  readonly series: readonly TimeSeries[];
  readonly format?: (v: number) => string;
  /** Pixels (default 280). */
  readonly height?: number;
  readonly label?: string;
}

/**
 * A time-series chart that fills its container's width. New props update the existing chart in
 * place; `data-revision` counts the updates and `data-series` is the number of series drawn (for
 * tests and the benchmark to see when the chart has changed).
 */
export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance | undefined>(undefined);
  const revision = useRef(0);
  const spec: ChartSpec = {
    times: props.times,
    series: props.series,
    format: props.format ?? String,
    height: props.height ?? 280,
  };
  const empty = props.times.length === 0 || props.series.length === 0;
  // Before the browser paints: the new table and the new chart show in the same frame.
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null || empty) return;
    if (chart.current === undefined) chart.current = createChart(el, spec, el.clientWidth || 600);
    else chart.current.update(spec);
    revision.current++;
    el.dataset.revision = String(revision.current);
    el.dataset.series = String(spec.series.length);
  });
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => chart.current?.resize(el.clientWidth));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, []);
  return (
    <div class="time-chart" role="img" aria-label={props.label}>
      {empty && <Empty title="No data in this time range" />}
      <div ref={box} class="time-chart-canvas" hidden={empty} />
      {/* The canvas says nothing to a screen reader: list the series it draws. */}
      <ul class="visually-hidden" aria-label="Series">
        {props.series.map((s) => (
          <li key={s.label}>{s.label}</li>
        ))}
      </ul>
    </div>
  );
}
