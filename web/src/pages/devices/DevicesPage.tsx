import { useMemo } from 'preact/hooks';
import { type DeviceRow, isActive } from '../../../../src/portal/devices-shape.js';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { formatCount, formatSi, formatTime } from '../../../../src/portal/format-units.js';
import { ago, formatSampling } from '../../../../src/portal/pages-format.js';
import { rangeFromSearch, rangeToSearch, resolveWindow } from '../../../../src/portal/pages-range.js';
import { href, Link, navigate, setSearch, useLocation } from '../../app/router.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { RangePicker } from '../explorer/RangePicker.js';
import { Badge } from '../shared/Badge.js';
import { Num } from '../shared/Num.js';
import { pageState } from '../shared/page-state.js';
import { SqlDetails } from '../shared/SqlDetails.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';
import { type DevicesData, loadDevices } from './load-devices.js';

/**
 * Devices: every exporter of the tenant with its traffic over the range (flows/s, bytes/s from the
 * stored flows), its sampling rate, when it was last heard from, and the collector's decode errors
 * and sequence losses. A row opens the device's page.
 */
export default function DevicesPage() {
  const { search } = useLocation();
  const range = useMemo(() => rangeFromSearch(search, '15m'), [search.toString()]);
  const key = rangeToSearch(range, new URLSearchParams()).toString();
  const load = useLoad(
    key,
    (signal) => loadDevices(resolveWindow(range, Date.now()), signal),
    refreshSeconds(range),
  );
  const { data, error } = load;
  return (
    <div class="devices-page" {...pageState(load, key, search.toString())}>
      <section class="panel toolbar" aria-label="View">
        <RangePicker range={range} onChange={(r) => setSearch(rangeToSearch(r, search))} />
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {data === undefined && error === undefined && <Loading label="Loading devices…" />}
      {data !== undefined && <DevicesTable data={data} search={search} />}
      {data !== undefined && (
        <SqlDetails
          statements={data.statements}
          note="The collector's counters come from GET /api/v1/devices."
        />
      )}
    </div>
  );
}

function DevicesTable(props: { data: DevicesData; search: URLSearchParams }) {
  const { data } = props;
  const open = (row: DeviceRow) =>
    navigate(
      href(`/devices/${row.id}`, rangeToSearch(rangeFromSearch(props.search, '15m'), new URLSearchParams())),
    );
  const total = (f: (r: DeviceRow) => number) => data.rows.reduce((s, r) => s + f(r), 0);
  return (
    <section class="panel" aria-label="Devices">
      <DataTable
        label="Devices"
        columns={columns(data.loadedAt)}
        rows={data.rows}
        onRowClick={open}
        footer={{
          name: `${data.rows.length} devices`,
          flowsPerSecond: (
            <Num value={total((r) => r.flowsPerSecond)} format={(v) => formatSi(v, 'flows/s')} />
          ),
          bytesPerSecond: <Num value={total((r) => r.bytesPerSecond)} format={(v) => formatSi(v, 'B/s')} />,
        }}
        empty={
          <Empty title="No devices yet">
            Point your routers' NetFlow v5/v9 or IPFIX exports at this server (UDP 2055, IPFIX also TCP 4739)
            and sFlow at UDP 6343, or start it with <code>flowlens server --demo</code> to see simulated
            routers.
          </Empty>
        }
      />
      <p class="note">
        Rates over the flows received {formatTime(data.window.fromMs)} – {formatTime(data.window.toMs)} UTC (
        {Math.round(data.seconds)} s of whole minutes). Decode errors, template misses and sequence losses are
        counted by the collector since {formatTime(data.sinceMs)} UTC (the server's start).
      </p>
    </section>
  );
}

function columns(now: number): Column<DeviceRow>[] {
  const count = (v: number | null) => <Num value={v} format={formatCount} empty="n/a" />;
  return [
    {
      key: 'status',
      label: 'Status',
      value: (r) => (isActive(r, now) ? 'active' : 'silent'),
      render: (r) =>
        isActive(r, now) ? (
          <Badge status="active" tone="good" />
        ) : (
          <Badge status="silent" tone="idle" title="nothing heard in the last 2 minutes" />
        ),
    },
    {
      key: 'name',
      label: 'Device',
      value: (r) => r.name,
      render: (r) => (
        <Link href={`/devices/${r.id}`} class="device-link">
          {r.name}
        </Link>
      ),
    },
    { key: 'address', label: 'Exporter', value: (r) => r.address },
    { key: 'id', label: 'ID', value: (r) => r.id, align: 'right' },
    {
      key: 'flowsPerSecond',
      label: 'Flows/s',
      value: (r) => r.flowsPerSecond,
      render: (r) => <Num value={r.flowsPerSecond} format={(v) => formatSi(v)} />,
      align: 'right',
    },
    {
      key: 'bytesPerSecond',
      label: 'Bytes/s',
      value: (r) => r.bytesPerSecond,
      render: (r) => <Num value={r.bytesPerSecond} format={(v) => formatSi(v, 'B/s')} />,
      align: 'right',
    },
    {
      key: 'sampleRate',
      label: 'Sampling',
      value: (r) => r.sampleRate,
      render: (r) => <Num value={r.sampleRate} format={formatSampling} />,
      align: 'right',
    },
    {
      key: 'lastSeen',
      label: 'Last seen',
      value: (r) => r.lastSeenMs,
      render: (r) =>
        r.lastSeenMs === null ? (
          <span class="num-empty">never</span>
        ) : (
          <span title={`${formatTime(r.lastSeenMs)} UTC`}>{ago(r.lastSeenMs, now)}</span>
        ),
    },
    {
      key: 'decodeErrors',
      label: 'Decode errors',
      value: (r) => r.decodeErrors,
      render: (r) => count(r.decodeErrors),
      align: 'right',
      title: 'Since the server started',
    },
    {
      key: 'lostFlows',
      label: 'Lost flows',
      value: (r) => r.lostFlows,
      render: (r) => count(r.lostFlows),
      align: 'right',
      title: 'From NetFlow v5 / IPFIX / sFlow sample sequence gaps, since the server started',
    },
    {
      key: 'lostPackets',
      label: 'Lost packets',
      value: (r) => r.lostPackets,
      render: (r) => count(r.lostPackets),
      align: 'right',
      title: 'Export packets lost, from NetFlow v9 / sFlow datagram sequence gaps, since the server started',
    },
    {
      key: 'templateMisses',
      label: 'Template misses',
      value: (r) => r.templateMisses,
      render: (r) => count(r.templateMisses),
      align: 'right',
      title: 'NetFlow v9 / IPFIX data sets dropped before their template arrived, since the server started',
    },
  ];
}
