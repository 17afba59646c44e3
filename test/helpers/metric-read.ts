import type { Metric } from '../../src/metrics/metric.js';
import type { Registry } from '../../src/metrics/registry.js';

/** The series of `name` whose tags are exactly `tags`; throws when there is none. */
export function seriesOf(registry: Registry, name: string, tags: Record<string, string> = {}): Metric {
  const family = registry.families().find((f) => f.name === name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const want = JSON.stringify(Object.entries(tags).sort());
  const found = family.series.find((s) => JSON.stringify(Object.entries(s.tags).sort()) === want);
  if (found === undefined)
    throw new Error(`no series ${name}${want}; have ${family.series.map((s) => JSON.stringify(s.tags))}`);
  return found;
}

/** A counter's count, a gauge's value, a histogram's, timer's or meter's count of events. */
export function metricValue(registry: Registry, name: string, tags: Record<string, string> = {}): number {
  const s = seriesOf(registry, name, tags);
  switch (s.kind) {
    case 'gauge':
    case 'gaugeFn':
      return s.value;
    default:
      return s.count;
  }
}

/** A histogram's sum of values (a timer's: seconds). */
export function sumOf(registry: Registry, name: string, tags: Record<string, string> = {}): number {
  const s = seriesOf(registry, name, tags);
  if (s.kind !== 'histogram' && s.kind !== 'timer') throw new Error(`${name} is a ${s.kind}`);
  return s.sum;
}
