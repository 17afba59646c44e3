import type { Counter, FunctionCounter } from './counter.js';
import type { FunctionGauge, Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
import type { Meter } from './meter.js';
import type { Timer } from './timer.js';

export type Metric = Counter | FunctionCounter | Gauge | FunctionGauge | Meter | Histogram | Timer;
export type MetricKind = Metric['kind'];

/** Every series of one metric name: one kind, one help text, one metric per tag set. */
export interface MetricFamily {
  readonly name: string;
  readonly kind: MetricKind;
  readonly help: string;
  /** In registration order. */
  readonly series: readonly Metric[];
}
