import type { MetricKind } from './metric.js';

/**
 * The Prometheus family names a metric of each kind is exposed as (docs/metrics.md): the
 * registry refuses a metric whose names would collide with another's.
 */
export function exposedNames(kind: MetricKind, name: string): string[] {
  const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  switch (kind) {
    case 'counter':
    case 'counterFn':
      return [`${base}_total`];
    case 'gauge':
    case 'gaugeFn':
      return [name];
    case 'meter':
      return [`${base}_total`, ...rateNames(base)];
    case 'histogram':
      return [name, `${name}_sum`, `${name}_count`];
    case 'timer':
      return [name, `${name}_sum`, `${name}_count`, ...rateNames(name)];
  }
}

/** The rate gauges of a meter or timer, each with its value's getter. */
export const rateGauges = [
  { suffix: 'm1_rate', help: '1-minute EWMA rate, per second', read: 'm1Rate' },
  { suffix: 'm5_rate', help: '5-minute EWMA rate, per second', read: 'm5Rate' },
  { suffix: 'm15_rate', help: '15-minute EWMA rate, per second', read: 'm15Rate' },
  { suffix: 'mean_rate', help: 'mean rate since start, per second', read: 'meanRate' },
] as const;

function rateNames(base: string): string[] {
  return rateGauges.map((r) => `${base}_${r.suffix}`);
}
