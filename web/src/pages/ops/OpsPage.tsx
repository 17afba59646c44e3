import { useMemo } from 'preact/hooks';
import type { Statement } from '../../../../src/portal/devices-sql.js';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { formatCount, formatMs, formatSi, formatTime } from '../../../../src/portal/format-units.js';
import { opsPanels, opsSql, type Panel, type Unit } from '../../../../src/portal/ops-panels.js';
import { type OpsData, opsData, panelSeries } from '../../../../src/portal/ops-shape.js';
import { opsTiles } from '../../../../src/portal/ops-tiles.js';
import { formatBytes, formatPct } from '../../../../src/portal/pages-format.js';
import {
  bucketSeconds,
  rangeFromSearch,
  rangeToSearch,
  resolveWindow,
  type Window,
} from '../../../../src/portal/pages-range.js';
import { ApiError, query } from '../../app/api.js';
import { setSearch, useLocation } from '../../app/router.js';
import { Empty } from '../../components/Empty.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { TimeChart } from '../../components/TimeChart.js';
import { RangePicker } from '../explorer/RangePicker.js';
import { Num } from '../shared/Num.js';
import { pageState } from '../shared/page-state.js';
import { SqlDetails } from '../shared/SqlDetails.js';
import { Tiles } from '../shared/Tiles.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';

const formats: Readonly<Record<Unit, (v: number) => string>> = {
  'per-second': (v) => formatSi(v, '/s'),
  bytes: formatBytes,
  'bytes-per-second': (v) => `${formatBytes(v)}/s`,
  ms: formatMs,
  percent: formatPct,
};

interface OpsLoad {
  readonly data: OpsData;
  readonly statement: Statement;
  readonly window: Window;
  readonly bucketS: number;
}

async function loadOps(window: Window, signal: AbortSignal): Promise<OpsLoad> {
  // The server stores a snapshot every 10 s by default: finer buckets would mostly be empty.
  const bucketS = bucketSeconds(window, 10, 200);
  const st = opsSql(opsPanels, window, bucketS);
  const answer = await query(st.sql, { params: st.params, signal });
  return { data: opsData(answer), statement: st, window, bucketS };
}

/**
 * Ops: flowlens's own health from its `metrics` table (admins only): ingest rate, decode errors,
 * query latency percentiles, the memo's hit rate, the WAL and disk use.
 */
export default function OpsPage() {
  const { search } = useLocation();
  const range = useMemo(() => rangeFromSearch(search, '1h'), [search.toString()]);
  const key = rangeToSearch(range, new URLSearchParams()).toString();
  const load = useLoad(
    key,
    (signal) => loadOps(resolveWindow(range, Date.now()), signal),
    refreshSeconds(range),
  );
  const { data, error } = load;
  return (
    <div class="ops-page" {...pageState(load, key, search.toString())}>
      <section class="panel toolbar" aria-label="View">
        <RangePicker range={range} onChange={(r) => setSearch(rangeToSearch(r, search))} />
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {error instanceof ApiError && error.code === '42501' && (
        <Empty title="The Ops page is for admins">
          It reads flowlens's own metrics from the <code>metrics</code> table, which only admin users may
          query (<code>"admin": true</code> in the server's config).
        </Empty>
      )}
      {data === undefined && error === undefined && <Loading label="Loading flowlens's metrics…" />}
      {data !== undefined && <OpsView load={data} />}
      {data !== undefined && <SqlDetails statements={[data.statement]} />}
    </div>
  );
}

function OpsView(props: { load: OpsLoad }) {
  const { data, window, bucketS } = props.load;
  if (data.times.length === 0)
    return (
      <Empty title="No metrics stored in this time range yet">
        The server stores a snapshot of its metrics every <code>metricsStoreIntervalMs</code> (10 s by
        default; 0 turns it off). Wait a little, or pick a longer range.
      </Empty>
    );
  const t = opsTiles(data);
  const per = bucketS >= 60 ? `${bucketS / 60} min` : `${bucketS} s`;
  return (
    <>
      <Tiles
        label="Now"
        tiles={[
          {
            label: 'Ingest',
            value: <Num value={t.ingestPerSecond} format={(v) => formatSi(v, 'flows/s')} />,
            note: 'latest',
          },
          {
            label: 'Decode errors',
            value: <Num value={t.decodeErrors} format={formatCount} />,
            note: 'in the range',
          },
          { label: 'Query p99', value: <Num value={t.queryP99Ms} format={formatMs} />, note: 'latest' },
          {
            label: 'Memo hit rate',
            value: <Num value={t.memoHitPct} format={formatPct} />,
            note: 'of lookups in the range',
          },
          { label: 'WAL', value: <Num value={t.walBytes} format={formatBytes} />, note: 'on disk' },
          {
            label: 'Data on disk',
            value: <Num value={t.dataBytes} format={formatBytes} />,
            note: t.availableBytes === null ? undefined : `${formatBytes(t.availableBytes)} available`,
          },
        ]}
      />
      <p class="note">
        {formatTime(window.fromMs)} – {formatTime(window.toMs)} UTC, per {per}; counters as rates between
        buckets.
      </p>
      <div class="chart-grid">
        {opsPanels.map((p) => (
          <OpsPanel key={p.id} panel={p} data={data} />
        ))}
      </div>
    </>
  );
}

function OpsPanel(props: { panel: Panel; data: OpsData }) {
  const { panel, data } = props;
  const series = panelSeries(panel, data);
  const nothing = series.every((s) => s.values.every((v) => v === null));
  return (
    <section class="panel" aria-label={panel.title} data-panel={panel.id}>
      <h2>{panel.title}</h2>
      {nothing && panel.empty !== undefined ? (
        <Empty title="Nothing to draw">{panel.empty}</Empty>
      ) : (
        <TimeChart
          label={panel.title}
          times={data.times}
          series={series.map((s) => ({ label: s.label, values: s.values, spanGaps: true }))}
          format={formats[panel.unit]}
          height={200}
        />
      )}
    </section>
  );
}
