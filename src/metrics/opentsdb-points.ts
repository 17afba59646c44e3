import { rateGauges } from './exposed-names.js';
import type { Metric } from './metric.js';
import type { Tags } from './names.js';
import type { Registry } from './registry.js';
import { reportedQuantiles } from './snapshot.js';

/** One OpenTSDB data point (the JSON of POST /api/put; a `put` line in telnet). */
export interface TsdbPoint {
  readonly metric: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly value: number;
  readonly tags: Tags;
}

/**
 * The registry's values as OpenTSDB points at one timestamp. Counters and gauges are one point
 * named as the metric; a meter is `<name>.count` and `<name>.m1_rate`, `.m5_rate`, `.m15_rate`,
 * `.mean_rate`; a histogram `<name>.count`, `.sum`, `.min`, `.max`, `.mean`, `.stddev`, `.p50`,
 * `.p75`, `.p95`, `.p99`, `.p999`; a timer the histogram's (in seconds) and the meter's rates.
 * Every point carries `commonTags` (OpenTSDB needs at least one tag: the exporter's default is
 * `host`) and its metric's own tags, which win. Tag values are cut to OpenTSDB's character set;
 * an empty one is left out; NaN and infinite values are not sent.
 */
export function tsdbPoints(registry: Registry, timestamp: number, commonTags: Tags): TsdbPoint[] {
  const points: TsdbPoint[] = [];
  for (const family of registry.families())
    for (const metric of family.series) {
      const tags = tsdbTags(commonTags, metric.tags);
      for (const [suffix, value] of metricFields(metric)) {
        if (!Number.isFinite(value)) continue;
        points.push({
          metric: suffix === '' ? metric.name : `${metric.name}.${suffix}`,
          timestamp,
          value,
          tags,
        });
      }
    }
  return points;
}

/**
 * A metric's values by field: `''` for a counter's or gauge's one value; `count` and the rates for
 * a meter; `count`, `sum`, `min`, `max`, `mean`, `stddev` and the quantiles (`p50` … `p999`) for a
 * histogram, and those plus the rates for a timer. Shared by every exporter that splits metrics
 * into fields (OpenTSDB points, the metrics table).
 */
export function metricFields(m: Metric): [string, number][] {
  switch (m.kind) {
    case 'counter':
    case 'counterFn':
      return [['', m.count]];
    case 'gauge':
    case 'gaugeFn':
      return [['', m.value]];
    case 'meter':
      return [['count', m.count], ...rateGauges.map((r): [string, number] => [r.suffix, m[r.read]])];
    case 'histogram':
    case 'timer': {
      const s = m.snapshot();
      const out: [string, number][] = [
        ['count', m.count],
        ['sum', m.sum],
        ['min', s.min],
        ['max', s.max],
        ['mean', s.mean],
        ['stddev', s.stddev],
        ...reportedQuantiles.map((q): [string, number] => [q.suffix, s.quantile(q.q)]),
      ];
      if (m.kind === 'timer') for (const r of rateGauges) out.push([r.suffix, m[r.read]]);
      return out;
    }
  }
}

function tsdbTags(common: Tags, own: Tags): Tags {
  const out: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(common), ...Object.entries(own)]) {
    const value = tsdbText(v);
    if (value !== '') out[tsdbText(k)] = value;
  }
  return out;
}

/** OpenTSDB accepts letters, digits, `-`, `_`, `.`, `/` in names and tag values; the rest become `_`. */
export function tsdbText(text: string): string {
  return text.replace(/[^\p{L}\p{N}\-_./]/gu, '_');
}

/** The telnet form: `put <metric> <timestamp> <value> <k>=<v> …` and a line feed. */
export function telnetLine(p: TsdbPoint): string {
  let line = `put ${p.metric} ${p.timestamp} ${p.value}`;
  for (const [k, v] of Object.entries(p.tags)) line += ` ${k}=${v}`;
  return `${line}\n`;
}
