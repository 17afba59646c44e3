import { useEffect, useRef, useState } from 'preact/hooks';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { type ChartData, pivotSeries, type Row, toNumber } from '../../../../src/portal/explorer-series.js';
import { buildQueries, type ExplorerQueries, type KeyCell } from '../../../../src/portal/explorer-sql.js';
import { type ExplorerState, encodeState } from '../../../../src/portal/explorer-state.js';
import { query } from '../../app/api.js';

/** What the page shows for one state: the table's rows, the totals, the chart and the SQL. */
export interface ExplorerData {
  /** encodeState() of the state this data answers. */
  readonly view: string;
  readonly queries: ExplorerQueries;
  readonly rows: readonly Row[];
  readonly total: number | null;
  readonly chart: ChartData;
  /** The series statement for the drawn groups (none when there are no groups). */
  readonly seriesSql: string | undefined;
  readonly loadedAt: number;
}

export interface ExplorerLoad {
  readonly data: ExplorerData | undefined;
  readonly loading: boolean;
  readonly error: unknown;
}

/**
 * Runs the view's queries when the state changes, and again every refreshSeconds for a relative
 * range (not while the tab is hidden). A newer run aborts the one in flight; the last data stays on
 * screen while the next loads, so the chart is updated in place.
 */
export function useExplorerData(state: ExplorerState): ExplorerLoad {
  const view = encodeState(state).toString();
  const [load, setLoad] = useState<ExplorerLoad>({ data: undefined, loading: true, error: undefined });
  const [tick, setTick] = useState(0);
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(() => {
    const abort = new AbortController();
    setLoad((l) => ({ ...l, loading: true }));
    fetchView(stateRef.current, view, abort.signal).then(
      (data) => !abort.signal.aborted && setLoad({ data, loading: false, error: undefined }),
      (error: unknown) => !abort.signal.aborted && setLoad((l) => ({ ...l, loading: false, error })),
    );
    return () => abort.abort();
  }, [view, tick]);
  useEffect(() => {
    if (state.range.kind !== 'relative') return;
    const timer = setInterval(() => {
      if (!document.hidden) setTick((t) => t + 1);
    }, refreshSeconds(state.range) * 1000);
    return () => clearInterval(timer);
  }, [view]);
  return load;
}

async function fetchView(state: ExplorerState, view: string, signal: AbortSignal): Promise<ExplorerData> {
  const queries = buildQueries(state, Date.now());
  const dims = state.dimensions;
  const [table, total, totals] = await Promise.all([
    query(queries.table, { signal }),
    query(queries.total, { signal }),
    queries.bucketTotals === undefined ? undefined : query(queries.bucketTotals, { signal }),
  ]);
  const keys = table.rows.slice(0, state.top).map((r) => r.slice(0, dims.length) as KeyCell[]);
  const seriesSql = keys.length === 0 ? undefined : queries.series(keys);
  const series = seriesSql === undefined ? undefined : await query(seriesSql, { signal });
  const chart = pivotSeries({
    window: queries.window,
    dims,
    keys,
    rows: series?.rows ?? [],
    additive: queries.metric.additive,
    totals: table.rows.length > keys.length ? totals?.rows : undefined,
  });
  return {
    view,
    queries,
    rows: table.rows,
    total: toNumber(total.rows[0]?.[0]),
    chart,
    seriesSql,
    loadedAt: Date.now(),
  };
}
