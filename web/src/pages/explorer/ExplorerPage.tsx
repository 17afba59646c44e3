import './explorer.css';
import { useEffect, useMemo } from 'preact/hooks';
import type { Filter } from '../../../../src/portal/explorer-filters.js';
import { formatMetric } from '../../../../src/portal/explorer-labels.js';
import { metrics } from '../../../../src/portal/explorer-metrics.js';
import type { Row } from '../../../../src/portal/explorer-series.js';
import {
  decodeState,
  type ExplorerState,
  encodeState,
  topChoices,
} from '../../../../src/portal/explorer-state.js';
import { formatTime } from '../../../../src/portal/format-units.js';
import { href, Link, setSearch, useLocation } from '../../app/router.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Field, Select } from '../../components/Field.js';
import { Loading } from '../../components/Loading.js';
import { otherColor } from '../../components/palette.js';
import { TimeChart } from '../../components/TimeChart.js';
import { DimensionPicker } from './DimensionPicker.js';
import { FilterBar } from './FilterBar.js';
import { RangePicker } from './RangePicker.js';
import { NoFlows, ResultTable } from './ResultTable.js';
import { SqlPanel } from './SqlPanel.js';
import { useExplorerData } from './useExplorerData.js';

const metricOptions = metrics.map((m) => ({ value: m.id, label: m.label }));
const topOptions = topChoices.map((n) => ({ value: String(n), label: `Top ${n}` }));

/**
 * The Explorer: traffic grouped by dimensions over a time range, as a chart of the top groups and a
 * table of all of them. Its whole state is the URL (src/portal/explorer-state.ts).
 */
export default function ExplorerPage() {
  const { search } = useLocation();
  const state = useMemo(() => decodeState(search), [search.toString()]);
  const load = useExplorerData(state);
  const { loading, error } = load;
  const change = (patch: Partial<ExplorerState>) => setSearch(encodeState({ ...state, ...patch }));
  const drill = (row: Row) => {
    const added: Filter[] = state.dimensions.map((d, i) => ({
      column: d,
      op: '=',
      values: [String(row[i] ?? '')],
    }));
    change({ filters: [...state.filters, ...added] });
  };
  const view = encodeState(state).toString();
  // The URL always spells out the whole view (defaults and fixes included), so it can be shared.
  useEffect(() => {
    if (search.toString() !== view) setSearch(new URLSearchParams(view), { replace: true });
  }, [view]);
  const current = load.data?.view === view ? load.data : undefined;
  // After a failure, only data of this very view stays (a failed refresh), not the previous view's.
  const data = error !== undefined ? current : load.data;
  const unit = data?.queries.metric.unit ?? '';
  const series = useMemo(
    () =>
      data?.chart.series.map((s) => ({
        label: s.label,
        values: s.values,
        ...(s.other ? { color: otherColor } : {}),
      })) ?? [],
    [data],
  );
  return (
    <div
      class="explorer"
      data-state={loading ? 'loading' : error !== undefined ? 'error' : 'ready'}
      data-view={current?.view}
    >
      <section class="panel toolbar" aria-label="View">
        <RangePicker range={state.range} onChange={(range) => change({ range })} />
        <DimensionPicker value={state.dimensions} onChange={(dimensions) => change({ dimensions })} />
        <Field label="Metric">
          <Select
            name="metric"
            value={state.metric}
            options={metricOptions}
            onChange={(metric) => change({ metric })}
          />
        </Field>
        <Field label="Series">
          <Select
            name="top"
            value={String(state.top)}
            options={topOptions}
            onChange={(top) => change({ top: Number(top) })}
          />
        </Field>
        {data !== undefined && (
          <Link href={href('/query', new URLSearchParams({ sql: data.queries.table }))}>Open in Query</Link>
        )}
      </section>
      <section class="panel">
        <FilterBar filters={state.filters} onChange={(filters) => change({ filters })} />
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {data === undefined && error === undefined && <Loading label="Querying flows…" />}
      {data !== undefined && (
        <>
          <section class="panel" aria-label="Chart">
            <div class="chart-head">
              <span>
                {data.queries.metric.label}, {formatTime(data.queries.window.from)} –{' '}
                {formatTime(data.queries.window.end)} UTC, per {data.queries.window.stepSeconds / 60} min
              </span>
              {loading && <span class="loading-inline">updating…</span>}
            </div>
            {data.rows.length === 0 ? (
              <NoFlows />
            ) : (
              <TimeChart
                label="Top groups over time"
                times={data.chart.times}
                series={series}
                format={(v) => formatMetric(unit, v)}
              />
            )}
          </section>
          {/* With no groups, the chart's empty state says it all. */}
          {data.rows.length > 0 && (
            <section class="panel" aria-label="Table">
              <ResultTable data={data} dims={state.dimensions} top={state.top} onPick={drill} />
            </section>
          )}
          <SqlPanel data={data} />
        </>
      )}
    </div>
  );
}
