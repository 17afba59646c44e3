import type { Registry } from '../../src/metrics/registry.js';

/**
 * Every series of one metric as `{"k=v,…": value}` (a counter's count, a gauge's value, a
 * histogram's or timer's count), to assert a whole family at once — which series exist, too.
 */
export function metricSeries(registry: Registry, name: string): Record<string, number> {
  const family = registry.families().find((f) => f.name === name);
  if (family === undefined) throw new Error(`no metric ${name}`);
  const out: Record<string, number> = {};
  for (const s of family.series) {
    const key = Object.entries(s.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[key] = s.kind === 'gauge' || s.kind === 'gaugeFn' ? s.value : s.count;
  }
  return out;
}

/** The metrics under `prefix` registered without help text (every metric must have one). */
export function metricsWithoutHelp(registry: Registry, prefix: string): string[] {
  return registry
    .families()
    .filter((f) => f.name.startsWith(prefix) && f.help === '')
    .map((f) => f.name);
}
