import { opsPanels } from './ops-panels.js';
import { latest, type OpsData, panelSeries, totalIncrease } from './ops-shape.js';

/** The headline figures of the Ops page, from the same data as its charts (null: no data). */
export interface OpsTiles {
  /** Flows per second decoded and ingested over HTTP, latest bucket. */
  readonly ingestPerSecond: number | null;
  /** Decode errors over the whole range. */
  readonly decodeErrors: number | null;
  /** p99 of the statements that succeeded, latest bucket (ms). */
  readonly queryP99Ms: number | null;
  /** Memo hits over the range, percent of lookups. */
  readonly memoHitPct: number | null;
  readonly walBytes: number | null;
  /** What flowlens keeps on disk: flow segments, WAL and the metrics table (latest). */
  readonly dataBytes: number | null;
  readonly availableBytes: number | null;
}

const series = (data: OpsData, panel: string, label: string) =>
  panelSeries(opsPanels.find((p) => p.id === panel)!, data).find((s) => s.label === label)?.values ?? [];

const sumOrNull = (xs: readonly (number | null)[]) =>
  xs.every((x) => x === null) ? null : xs.reduce<number>((s, x) => s + (x ?? 0), 0);

export function opsTiles(data: OpsData): OpsTiles {
  const hits = totalIncrease(data, { name: 'flowlens_query_memo_hits_total', field: '' });
  const misses = totalIncrease(data, { name: 'flowlens_query_memo_misses_total', field: '' });
  const lookups = (hits ?? 0) + (misses ?? 0);
  return {
    ingestPerSecond: sumOrNull([
      latest(series(data, 'ingest', 'decoded (UDP/TCP)')),
      latest(series(data, 'ingest', 'HTTP ingest')),
    ]),
    decodeErrors: totalIncrease(data, { name: 'flowlens_collector_decode_errors_total', field: '' }),
    queryP99Ms: latest(series(data, 'query-latency', 'p99')),
    memoHitPct: lookups === 0 ? null : (100 * (hits ?? 0)) / lookups,
    walBytes: latest(series(data, 'wal', 'WAL')),
    dataBytes: sumOrNull([
      latest(series(data, 'disk', 'flow segments')),
      latest(series(data, 'disk', 'WAL')),
      latest(series(data, 'disk', 'metrics table')),
    ]),
    availableBytes: latest(series(data, 'filesystem', 'available')),
  };
}
