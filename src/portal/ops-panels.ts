import { type Statement, windowParams } from './devices-sql.js';
import type { Window } from './pages-range.js';

/**
 * The Ops page: flowlens's own metrics from the `metrics` table (docs/metrics.md "The metrics
 * table"; admins only), one chart per panel. A counter becomes a rate (its increase between
 * buckets, a restart's reset counted from zero), a gauge its mean (or max) per bucket; series of
 * one metric with different tags are summed unless the panel splits them by a tag.
 */

export interface MetricRef {
  readonly name: string;
  /** '' for a counter or gauge; `count` for a meter's count; `p99`… for a timer's quantiles. */
  readonly field: string;
  /** Only the series with these tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type SeriesDef =
  | {
      readonly label: string;
      readonly kind: 'rate';
      readonly metric: MetricRef;
      readonly scale?: number;
      readonly splitBy?: string;
    }
  | {
      readonly label: string;
      readonly kind: 'gauge';
      readonly metric: MetricRef;
      readonly scale?: number;
      readonly agg: 'avg' | 'max';
    }
  /** 100 × rate(hit) / (rate(hit) + rate(miss)). */
  | { readonly label: string; readonly kind: 'hit-ratio'; readonly hit: MetricRef; readonly miss: MetricRef };

export type Unit = 'per-second' | 'bytes' | 'bytes-per-second' | 'ms' | 'percent';

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly series: readonly SeriesDef[];
  /** What a panel with nothing to draw in the range says. */
  readonly empty?: string;
}

const statement = 'flowlens_query_statement_seconds';
const quantile = (q: string) => ({
  label: q,
  kind: 'gauge' as const,
  agg: 'max' as const,
  scale: 1000,
  metric: { name: statement, field: q, tags: { outcome: 'ok' } },
});

export const opsPanels: readonly Panel[] = [
  {
    id: 'ingest',
    title: 'Ingest rate (flows/s)',
    unit: 'per-second',
    series: [
      {
        label: 'decoded (UDP/TCP)',
        kind: 'rate',
        metric: { name: 'flowlens_collector_flows_total', field: 'count' },
      },
      { label: 'HTTP ingest', kind: 'rate', metric: { name: 'flowlens_ingest_http_rows_total', field: '' } },
      { label: 'stored', kind: 'rate', metric: { name: 'flowlens_store_appended_rows_total', field: '' } },
    ],
  },
  {
    id: 'decode-errors',
    title: 'Decode errors (per second, by reason)',
    unit: 'per-second',
    empty: 'No decode error counted in this range.',
    series: [
      {
        label: 'errors',
        kind: 'rate',
        metric: { name: 'flowlens_collector_decode_errors_total', field: '' },
        splitBy: 'reason',
      },
    ],
  },
  {
    id: 'query-latency',
    title: 'Query latency (ms, statements that succeeded)',
    unit: 'ms',
    series: [quantile('p50'), quantile('p95'), quantile('p99')],
  },
  {
    id: 'queries',
    title: 'Statements (per second)',
    unit: 'per-second',
    series: [
      { label: 'statements', kind: 'rate', metric: { name: 'flowlens_query_statements_total', field: '' } },
    ],
  },
  {
    id: 'memo',
    title: 'Memo hit rate (%)',
    unit: 'percent',
    empty:
      'No memo lookups in this range: only jobs over sealed minutes (past the grace period) use the memo.',
    series: [
      {
        label: 'hit rate',
        kind: 'hit-ratio',
        hit: { name: 'flowlens_query_memo_hits_total', field: '' },
        miss: { name: 'flowlens_query_memo_misses_total', field: '' },
      },
    ],
  },
  {
    id: 'wal',
    title: 'WAL on disk (bytes)',
    unit: 'bytes',
    series: [
      {
        label: 'WAL',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_store_wal_disk_bytes', field: '' },
      },
    ],
  },
  {
    id: 'wal-writes',
    title: 'WAL writes (bytes/s)',
    unit: 'bytes-per-second',
    series: [
      {
        label: 'written',
        kind: 'rate',
        metric: { name: 'flowlens_store_wal_written_bytes_total', field: '' },
      },
    ],
  },
  {
    id: 'disk',
    title: 'Disk use (bytes)',
    unit: 'bytes',
    series: [
      {
        label: 'flow segments',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_store_segment_bytes', field: '' },
      },
      {
        label: 'WAL',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_store_wal_disk_bytes', field: '' },
      },
      {
        label: 'metrics table',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_metrics_table_disk_bytes', field: '' },
      },
    ],
  },
  {
    id: 'filesystem',
    title: "The data directory's filesystem (bytes)",
    unit: 'bytes',
    series: [
      {
        label: 'size',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_host_datadir_size_bytes', field: '' },
      },
      {
        label: 'available',
        kind: 'gauge',
        agg: 'avg',
        metric: { name: 'flowlens_host_datadir_available_bytes', field: '' },
      },
    ],
  },
];

/** Every metric a list of panels reads. */
export function panelMetrics(panels: readonly Panel[]): MetricRef[] {
  return panels.flatMap((p) =>
    p.series.flatMap((s) => (s.kind === 'hit-ratio' ? [s.hit, s.miss] : [s.metric])),
  );
}

/**
 * One statement for all panels: per bucket, metric, field and tag set, the largest value (a
 * counter's last, for rates; a timer quantile's worst) and the mean (gauges).
 */
export function opsSql(panels: readonly Panel[], w: Window, bucketS: number): Statement {
  const refs = panelMetrics(panels);
  const names = [...new Set(refs.map((m) => m.name))];
  const fields = [...new Set(refs.map((m) => m.field))];
  const list = (xs: string[], from: number) => xs.map((_, i) => `$${from + i}`).join(', ');
  return {
    sql:
      `SELECT time_bucket(interval '${Math.max(1, Math.round(bucketS))} seconds', time) AS t, name, field, tags, ` +
      'max(value) AS max, avg(value) AS avg FROM metrics WHERE time >= $1 AND time < $2 ' +
      `AND name IN (${list(names, 3)}) AND field IN (${list(fields, 3 + names.length)}) ` +
      'GROUP BY 1, 2, 3, 4 ORDER BY 1',
    params: [...windowParams(w), ...names, ...fields],
  };
}
