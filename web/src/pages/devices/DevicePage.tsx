import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { isActive } from '../../../../src/portal/devices-shape.js';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { defaultState, encodeState } from '../../../../src/portal/explorer-state.js';
import { formatCount, formatSi, formatTime } from '../../../../src/portal/format-units.js';
import { ago, formatSampling } from '../../../../src/portal/pages-format.js';
import { rangeFromSearch, rangeToSearch, resolveWindow } from '../../../../src/portal/pages-range.js';
import { href, Link, setSearch, useLocation } from '../../app/router.js';
import type { PageProps } from '../../app/routes.js';
import { Empty } from '../../components/Empty.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { TimeChart } from '../../components/TimeChart.js';
import { RangePicker } from '../explorer/RangePicker.js';
import { Badge } from '../shared/Badge.js';
import { Num } from '../shared/Num.js';
import { pageState } from '../shared/page-state.js';
import { SqlDetails } from '../shared/SqlDetails.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';
import { InterfaceTable } from './InterfaceTable.js';
import { type DeviceData, loadDevice } from './load-device.js';

/** One device: what the collector knows of it, its traffic over time and its busiest interfaces. */
export default function DevicePage(props: PageProps) {
  const id = Number(props.params.id);
  const { search } = useLocation();
  const range = useMemo(() => rangeFromSearch(search, '1h'), [search.toString()]);
  const rangeKey = rangeToSearch(range, new URLSearchParams()).toString();
  const key = `${id} ${rangeKey}`;
  const load = useLoad(
    key,
    (signal) => loadDevice(id, resolveWindow(range, Date.now()), signal),
    refreshSeconds(range),
  );
  const { data, error } = load;
  const explorer = encodeState({
    ...defaultState,
    range,
    dimensions: ['input_port'],
    filters: [{ column: 'i_device_id', op: '=', values: [String(id)] }],
  });
  if (!Number.isSafeInteger(id))
    return (
      <Empty title={`No device "${props.params.id}"`}>
        <Link href="/devices">All devices</Link>
      </Empty>
    );
  return (
    <div class="device-page" {...pageState(load, key, search.toString())}>
      <section class="panel toolbar" aria-label="View">
        <Link href={href('/devices', rangeToSearch(range, new URLSearchParams()))}>‹ All devices</Link>
        <RangePicker range={range} onChange={(r) => setSearch(rangeToSearch(r, search))} />
        <Link href={href('/', explorer)}>Open in Explorer</Link>
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {data === undefined && error === undefined && <Loading label="Loading the device…" />}
      {data !== undefined && data.device === undefined && (
        <Empty title={`No device with id ${id}`}>
          Your tenant has no such device (yet). <Link href="/devices">All devices</Link>
        </Empty>
      )}
      {data?.device !== undefined && <DeviceView data={data} />}
      {data !== undefined && (
        <SqlDetails
          statements={data.statements}
          note="The collector's counters come from GET /api/v1/devices."
        />
      )}
    </div>
  );
}

function DeviceView(props: { data: DeviceData }) {
  const { data } = props;
  const d = data.device!;
  const now = Date.now();
  const [bits, packets, flows] = data.series.series;
  return (
    <>
      <section class="panel" aria-label="Device">
        <div class="page-head">
          <h1>
            {d.name}{' '}
            {isActive(d, now) ? <Badge status="active" tone="good" /> : <Badge status="silent" tone="idle" />}
          </h1>
        </div>
        <dl class="facts">
          <Fact label="Exporter">{d.address === '' ? 'not known to the collector' : d.address}</Fact>
          <Fact label="Device ID (i_device_id)">{d.id}</Fact>
          <Fact label="Sampling">
            <Num value={d.sampleRate} format={formatSampling} />
          </Fact>
          <Fact label="Last seen">
            {d.lastSeenMs === null ? 'never' : `${ago(d.lastSeenMs, now)} (${formatTime(d.lastSeenMs)} UTC)`}
          </Fact>
          <Fact label="Flows/s">
            <Num value={d.flowsPerSecond} format={(v) => formatSi(v, 'flows/s')} />
          </Fact>
          <Fact label="Bytes/s">
            <Num value={d.bytesPerSecond} format={(v) => formatSi(v, 'B/s')} />
          </Fact>
          <Fact label="Flows stored (all time)">
            <Num value={d.storedFlows} format={formatCount} />
          </Fact>
          <Fact label="Decode errors">
            <Num value={d.decodeErrors} format={formatCount} empty="n/a" />
          </Fact>
          <Fact label="Lost flows / packets">
            <Num value={d.lostFlows} format={formatCount} empty="n/a" /> /{' '}
            <Num value={d.lostPackets} format={formatCount} empty="n/a" />
          </Fact>
          <Fact label="Template misses">
            <Num value={d.templateMisses} format={formatCount} empty="n/a" />
          </Fact>
        </dl>
        <p class="note">Collector counts since {formatTime(data.sinceMs)} UTC (the server's start).</p>
      </section>
      <div class="chart-grid">
        <section class="panel" aria-label="Traffic">
          <h2>Traffic (bits/s, per {data.bucketS / 60} min)</h2>
          <TimeChart
            label="Traffic"
            times={data.series.times}
            series={[{ label: 'bits/s', values: bits!.values }]}
            format={(v) => formatSi(v, 'bit/s')}
          />
        </section>
        <section class="panel" aria-label="Packets">
          <h2>Packets/s</h2>
          <TimeChart
            label="Packets"
            times={data.series.times}
            series={[{ label: 'packets/s', values: packets!.values }]}
            format={(v) => formatSi(v)}
          />
        </section>
        <section class="panel" aria-label="Flows">
          <h2>Flows/s</h2>
          <TimeChart
            label="Flows"
            times={data.series.times}
            series={[{ label: 'flows/s', values: flows!.values }]}
            format={(v) => formatSi(v)}
          />
        </section>
        <InterfaceTable
          title="Top input interfaces"
          rows={data.interfaces.input_port}
          seconds={data.seconds}
        />
        <InterfaceTable
          title="Top output interfaces"
          rows={data.interfaces.output_port}
          seconds={data.seconds}
        />
      </div>
    </>
  );
}

function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
