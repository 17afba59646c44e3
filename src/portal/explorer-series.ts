import { keyLabel } from './explorer-labels.js';
import type { Window } from './explorer-range.js';
import type { KeyCell } from './explorer-sql.js';

/**
 * The chart's series from the series query's rows (bucket, dims…, value): one value per bucket of
 * the window for each of the top groups (absent buckets are 0 for rates, gaps otherwise), plus
 * "other" (every group minus the drawn ones) for additive metrics when there are more groups.
 * Rates in a bucket the window covers only in part (the minute being received, an absolute range's
 * cut edges) are divided by the seconds covered, not the whole step; a bucket covered for under
 * five seconds is left out, too little to estimate a rate.
 */

export type Row = readonly (string | number | boolean | null)[];

export interface ChartSeries {
  readonly label: string;
  readonly values: (number | null)[];
  readonly other: boolean;
}

export interface ChartData {
  readonly times: number[];
  readonly series: ChartSeries[];
}

export interface PivotInput {
  readonly window: Window;
  readonly dims: readonly string[];
  readonly keys: readonly (readonly KeyCell[])[];
  readonly rows: readonly Row[];
  readonly additive: boolean;
  /** Rows of the bucket totals query (bucket, value), when "other" is wanted. */
  readonly totals?: readonly Row[] | undefined;
}

export function bucketTimes(w: Window): number[] {
  const step = w.stepSeconds * 1000;
  const times: number[] = [];
  for (let t = Math.floor(w.from / step) * step; t < w.to; t += step) times.push(t);
  return times;
}

export function pivotSeries(input: PivotInput): ChartData {
  const { window: w, dims, additive } = input;
  const times = bucketTimes(w);
  const step = w.stepSeconds * 1000;
  const first = times[0] ?? 0;
  const slot = (bucket: unknown) => Math.round((Date.parse(String(bucket)) - first) / step);
  const index = new Map<string, number>();
  for (const [i, k] of input.keys.entries()) index.set(JSON.stringify(k), i);
  const fill = additive ? 0 : null;
  const series: ChartSeries[] = input.keys.map((k) => ({
    label: keyLabel(dims, k),
    values: new Array<number | null>(times.length).fill(fill),
    other: false,
  }));
  const key: KeyCell[] = new Array(dims.length);
  for (const row of input.rows) {
    for (let d = 0; d < dims.length; d++) key[d] = row[d + 1] as KeyCell;
    const s = index.get(JSON.stringify(key));
    const t = slot(row[0]);
    if (s === undefined || t < 0 || t >= times.length) continue;
    series[s]!.values[t] = toNumber(row[dims.length + 1]);
  }
  if (additive && input.totals !== undefined) {
    const other = new Array<number | null>(times.length).fill(0);
    for (const row of input.totals) {
      const t = slot(row[0]);
      if (t < 0 || t >= times.length) continue;
      let rest = toNumber(row[1]) ?? 0;
      for (const s of series) rest -= s.values[t] ?? 0;
      // Float sums of the same rows in another order differ in the last bits: no negative dust.
      other[t] = rest > 1e-9 * Math.abs(toNumber(row[1]) ?? 0) ? rest : 0;
    }
    if (other.some((v) => v !== 0)) series.push({ label: 'Other', values: other, other: true });
  }
  if (additive) scalePartialBuckets(times, series, w);
  return { times, series };
}

function scalePartialBuckets(times: readonly number[], series: ChartSeries[], w: Window): void {
  const step = w.stepSeconds * 1000;
  times.forEach((t, i) => {
    const covered = Math.min(t + step, w.end) - Math.max(t, w.from);
    if (covered >= step) return;
    const factor = covered < 5000 ? null : step / covered;
    for (const s of series) {
      const v = s.values[i];
      s.values[i] = factor === null || v === null || v === undefined ? null : v * factor;
    }
  });
}

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? null : n;
}
