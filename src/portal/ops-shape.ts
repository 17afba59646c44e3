import type { MetricRef, Panel, SeriesDef } from './ops-panels.js';
import { num, type QueryAnswer, records, text, time } from './pages-cells.js';

/** A point of one metric series (one tag set) per bucket: its max and mean there. */
interface Point {
  readonly t: number;
  readonly max: number;
  readonly avg: number;
}

/** The answer of opsSql, indexed: `name field` → tags text → points in time order. */
export interface OpsData {
  readonly times: readonly number[];
  readonly series: ReadonlyMap<string, ReadonlyMap<string, readonly Point[]>>;
}

export function opsData(answer: QueryAnswer): OpsData {
  const series = new Map<string, Map<string, Point[]>>();
  const times = new Set<number>();
  for (const r of records(answer)) {
    const t = time(r.t);
    const max = num(r.max);
    const avg = num(r.avg);
    if (t === null || max === null || avg === null) continue;
    times.add(t);
    const key = `${text(r.name)} ${text(r.field)}`;
    const byTags = series.get(key) ?? new Map<string, Point[]>();
    series.set(key, byTags);
    const points = byTags.get(text(r.tags)) ?? [];
    byTags.set(text(r.tags), points);
    points.push({ t, max, avg });
  }
  for (const byTags of series.values())
    for (const points of byTags.values()) points.sort((a, b) => a.t - b.t);
  return { times: [...times].sort((a, b) => a - b), series };
}

/** `k=v,k2=v2` (values escaped with `\`, docs/metrics.md) as a record. */
export function parseTags(tags: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of tags.split(/(?<!\\),/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out[part.slice(0, eq)] = part.slice(eq + 1).replace(/\\(.)/g, '$1');
  }
  return out;
}

function matching(data: OpsData, m: MetricRef): [Record<string, string>, readonly Point[]][] {
  const byTags = data.series.get(`${m.name} ${m.field}`);
  if (byTags === undefined) return [];
  return [...byTags]
    .map(([tags, points]) => [parseTags(tags), points] as [Record<string, string>, readonly Point[]])
    .filter(([tags]) => Object.entries(m.tags ?? {}).every(([k, v]) => tags[k] === v));
}

/**
 * A counter's increase into each bucket from the bucket before it (keyed by bucket time): a value
 * below the previous one is a restart, counted from zero. The first bucket has none.
 */
export function increases(points: readonly Point[]): Map<number, { inc: number; dtS: number }> {
  const out = new Map<number, { inc: number; dtS: number }>();
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!;
    const p = points[i]!;
    out.set(p.t, { inc: p.max >= prev.max ? p.max - prev.max : p.max, dtS: (p.t - prev.t) / 1000 });
  }
  return out;
}

/** Values on `times`, summing several tag series where they have a value (null where none has). */
function sumOn(times: readonly number[], parts: readonly Map<number, number>[]): (number | null)[] {
  return times.map((t) => {
    let sum: number | null = null;
    for (const part of parts) {
      const v = part.get(t);
      if (v !== undefined) sum = (sum ?? 0) + v;
    }
    return sum;
  });
}

const rateMap = (points: readonly Point[], scale: number) =>
  new Map([...increases(points)].map(([t, { inc, dtS }]) => [t, (inc / dtS) * scale]));

export interface ChartSeries {
  readonly label: string;
  readonly values: (number | null)[];
}

/** The series of one panel over the data's bucket times. */
export function panelSeries(panel: Panel, data: OpsData): ChartSeries[] {
  return panel.series.flatMap((s) => seriesOf(s, data));
}

function seriesOf(s: SeriesDef, data: OpsData): ChartSeries[] {
  const { times } = data;
  if (s.kind === 'hit-ratio') {
    const incOf = (m: MetricRef) =>
      matching(data, m).map(([, points]) => new Map([...increases(points)].map(([t, x]) => [t, x.inc])));
    const hits = sumOn(times, incOf(s.hit));
    const misses = sumOn(times, incOf(s.miss));
    const values = times.map((_, i) => {
      const h = hits[i] ?? null;
      const total = h === null ? null : h + (misses[i] ?? 0);
      return total === null || total === 0 ? null : (100 * h!) / total;
    });
    return [{ label: s.label, values }];
  }
  const series = matching(data, s.metric);
  const scale = s.scale ?? 1;
  if (s.kind === 'gauge')
    return [
      {
        label: s.label,
        values: sumOn(
          times,
          series.map(([, pts]) => new Map(pts.map((p) => [p.t, p[s.agg] * scale]))),
        ),
      },
    ];
  if (s.splitBy === undefined)
    return [
      {
        label: s.label,
        values: sumOn(
          times,
          series.map(([, pts]) => rateMap(pts, scale)),
        ),
      },
    ];
  const groups = new Map<string, Map<number, number>[]>();
  for (const [tags, pts] of series) {
    const key = tags[s.splitBy] ?? '';
    groups.set(key, [...(groups.get(key) ?? []), rateMap(pts, scale)]);
  }
  const split = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, parts]) => ({ label: key === '' ? s.label : key, values: sumOn(times, parts) }))
    // Only the reasons that happened; all zero: one line of the total, at zero.
    .filter((x) => x.values.some((v) => v !== null && v > 0));
  if (split.length > 0) return split;
  return [
    {
      label: s.label,
      values: sumOn(
        times,
        series.map(([, pts]) => rateMap(pts, scale)),
      ),
    },
  ];
}

/** The last value of a series that is not null. */
export function latest(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

/** A counter's total increase over the window, summed over its tag series (resets counted). */
export function totalIncrease(data: OpsData, m: MetricRef): number | null {
  const series = matching(data, m);
  if (series.length === 0) return null;
  let total = 0;
  for (const [, points] of series) for (const { inc } of increases(points).values()) total += inc;
  return total;
}
