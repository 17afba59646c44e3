import { useMemo } from 'preact/hooks';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { formatMs, formatTime } from '../../../../src/portal/format-units.js';
import type { Pivoted } from '../../../../src/portal/pages-cells.js';
import { formatPct } from '../../../../src/portal/pages-format.js';
import { rangeFromSearch, rangeToSearch, resolveWindow } from '../../../../src/portal/pages-range.js';
import { testName } from '../../../../src/portal/synth-status.js';
import { href, Link, navigate, setSearch, useLocation } from '../../app/router.js';
import type { PageProps } from '../../app/routes.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { TimeChart } from '../../components/TimeChart.js';
import { RangePicker } from '../explorer/RangePicker.js';
import { Num } from '../shared/Num.js';
import { pageState } from '../shared/page-state.js';
import { SqlDetails } from '../shared/SqlDetails.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';
import { DeleteTest } from './DeleteTest.js';
import { HttpPhases } from './HttpPhases.js';
import { loadTest, type TestData } from './load-test.js';
import { StatusBadge } from './status-badge.js';
import { TracePaths } from './TracePath.js';

/** One synthetic test: its status per agent, latency, jitter and loss over time, and per type the HTTP phases or the traceroute path. */
export default function TestPage(props: PageProps) {
  const id = props.params.id!;
  const { search } = useLocation();
  const range = useMemo(() => rangeFromSearch(search, '1h'), [search.toString()]);
  const rangeKey = rangeToSearch(range, new URLSearchParams()).toString();
  const key = `${id} ${rangeKey}`;
  const load = useLoad(
    key,
    (signal) => loadTest(id, resolveWindow(range, Date.now()), signal),
    refreshSeconds(range),
  );
  const { data, error } = load;
  return (
    <div class="test-page" {...pageState(load, key, search.toString())}>
      <section class="panel toolbar" aria-label="View">
        <Link href={href('/synth', rangeToSearch(range, new URLSearchParams()))}>‹ All tests</Link>
        <RangePicker range={range} onChange={(r) => setSearch(rangeToSearch(r, search))} />
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {data === undefined && error === undefined && <Loading label="Loading the test…" />}
      {data !== undefined && <TestView data={data} />}
      {data !== undefined && <SqlDetails statements={data.statements} />}
    </div>
  );
}

function TestView(props: { data: TestData }) {
  const { data } = props;
  const { test } = data.status;
  const per = data.bucketS >= 60 ? `${data.bucketS / 60} min` : `${data.bucketS} s`;
  return (
    <>
      <section class="panel" aria-label="Test">
        <div class="page-head">
          <h1>
            {testName(test)} <StatusBadge status={data.status.status} />
          </h1>
          <span class="actions">
            <Link href={`/synth/tests/${encodeURIComponent(test.id)}/edit`}>Edit</Link>
            <DeleteTest id={test.id} name={testName(test)} onDeleted={() => navigate('/synth')} />
          </span>
        </div>
        <p class="note">
          {test.type} test <code>{test.id}</code> of {typeof test.url === 'string' ? test.url : test.target},
          every {test.intervalS} s (timeout {test.timeoutMs} ms), run by{' '}
          {test.agents === 'all' ? 'every agent' : `agents ${test.agents.map(data.agentName).join(', ')}`}.
        </p>
        <AgentSummary data={data} />
      </section>
      <div class="chart-grid">
        <Chart title={`Latency (ms, mean per ${per})`} data={data.charts.latency} format={formatMs} />
        {data.charts.jitter !== undefined && (
          <Chart title={`Jitter (ms, mean per ${per})`} data={data.charts.jitter} format={formatMs} />
        )}
        <Chart
          title={
            test.type === 'ping' || test.type === 'trace'
              ? `Packet loss (%, per ${per})`
              : `Failed runs (%, per ${per})`
          }
          data={data.charts.loss}
          format={formatPct}
        />
      </div>
      {data.phases !== undefined && (
        <HttpPhases over={data.phases.over} byAgent={data.phases.byAgent} agentName={data.agentName} />
      )}
      {data.trace !== undefined && (
        <TracePaths paths={data.trace.paths} latest={data.trace.latest} agentName={data.agentName} />
      )}
    </>
  );
}

function Chart(props: { title: string; data: Pivoted; format: (v: number) => string }) {
  return (
    <section class="panel" aria-label={props.title}>
      <h2>{props.title}</h2>
      <TimeChart
        label={props.title}
        times={props.data.times}
        series={props.data.series.map((s) => ({
          label: s.key,
          values: s.values,
          spanGaps: true,
          points: true,
        }))}
        format={props.format}
        height={220}
      />
    </section>
  );
}

type AgentLine = TestData['status']['agents'][number];

function AgentSummary(props: { data: TestData }) {
  const name = props.data.agentName;
  const columns: Column<AgentLine>[] = [
    { key: 'agent', label: 'Agent', value: (a) => name(a.agent) },
    {
      key: 'state',
      label: 'Latest run',
      value: (a) => (a.failing ? 'failed' : 'ok'),
      render: (a) => (a.failing ? <code>{a.lastError || 'failed'}</code> : 'ok'),
    },
    { key: 'runs', label: 'Runs', value: (a) => a.runs, align: 'right' },
    {
      key: 'availability',
      label: 'Availability',
      value: (a) => a.availability,
      render: (a) => <Num value={a.availability === null ? null : a.availability * 100} format={formatPct} />,
      align: 'right',
    },
    {
      key: 'latency',
      label: 'Latency',
      value: (a) => a.latencyMs,
      render: (a) => <Num value={a.latencyMs} format={formatMs} />,
      align: 'right',
    },
    {
      key: 'loss',
      label: 'Loss',
      value: (a) => a.lossPct,
      render: (a) => <Num value={a.lossPct} format={formatPct} />,
      align: 'right',
    },
    {
      key: 'last',
      label: 'Last run (UTC)',
      value: (a) => a.lastMs,
      render: (a) => (a.lastMs === null ? '' : formatTime(a.lastMs)),
    },
  ];
  return (
    <DataTable
      label="Agents of this test"
      columns={columns}
      rows={props.data.status.agents}
      empty={
        <p class="note">
          No results in this time range yet: agents run the test every {props.data.status.test.intervalS} s
          and send results every 10 s.
        </p>
      }
    />
  );
}
