import type { RangeSpec } from '../../../../src/portal/explorer-range.js';
import { formatMs, formatTime } from '../../../../src/portal/format-units.js';
import { formatPct } from '../../../../src/portal/pages-format.js';
import { rangeToSearch } from '../../../../src/portal/pages-range.js';
import { type TestStatusRow, testName } from '../../../../src/portal/synth-status.js';
import { href, Link } from '../../app/router.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';
import { Num } from '../shared/Num.js';
import { DeleteTest } from './DeleteTest.js';
import type { SynthData } from './load-synth.js';
import { StatusBadge } from './status-badge.js';

/** The tenant's tests, worst first, with their figures over the range. */
export function TestsTable(props: { data: SynthData; range: RangeSpec; onChange: () => void }) {
  const link = (id: string) =>
    href(`/synth/tests/${encodeURIComponent(id)}`, rangeToSearch(props.range, new URLSearchParams()));
  const columns: Column<TestStatusRow>[] = [
    {
      key: 'status',
      label: 'Status',
      value: (r) => order.indexOf(r.status),
      render: (r) => <StatusBadge status={r.status} />,
    },
    {
      key: 'name',
      label: 'Test',
      value: (r) => testName(r.test),
      render: (r) => (
        <>
          <Link href={link(r.test.id)} class="test-link">
            {testName(r.test)}
          </Link>
          {r.test.label !== '' && <div class="note">{target(r)}</div>}
        </>
      ),
    },
    { key: 'type', label: 'Type', value: (r) => r.test.type },
    {
      key: 'interval',
      label: 'Every',
      value: (r) => r.test.intervalS,
      render: (r) => `${r.test.intervalS} s`,
      align: 'right',
    },
    {
      key: 'agents',
      label: 'Agents',
      value: (r) => r.agents.length,
      render: (r) => `${r.agents.length} ${r.test.agents === 'all' ? '(all)' : `of ${r.test.agents.length}`}`,
      align: 'right',
    },
    {
      key: 'availability',
      label: 'Availability',
      value: (r) => r.availability,
      render: (r) => <Num value={r.availability === null ? null : r.availability * 100} format={formatPct} />,
      align: 'right',
    },
    {
      key: 'latency',
      label: 'Latency',
      value: (r) => r.latencyMs,
      render: (r) => <Num value={r.latencyMs} format={formatMs} />,
      align: 'right',
    },
    {
      key: 'loss',
      label: 'Loss',
      value: (r) => r.lossPct,
      render: (r) => <Num value={r.lossPct} format={formatPct} />,
      align: 'right',
    },
    { key: 'runs', label: 'Runs', value: (r) => r.runs, align: 'right' },
    {
      key: 'last',
      label: 'Last run (UTC)',
      value: (r) => r.lastMs,
      render: (r) => (r.lastMs === null ? '' : formatTime(r.lastMs)),
    },
    {
      key: 'error',
      label: 'Last error',
      value: (r) => r.agents.find((a) => a.failing)?.lastError ?? '',
      render: (r) => <code>{r.agents.find((a) => a.failing)?.lastError ?? ''}</code>,
    },
    {
      key: 'actions',
      label: '',
      value: () => null,
      render: (r) => (
        <span class="row-actions">
          <Link href={`/synth/tests/${encodeURIComponent(r.test.id)}/edit`}>Edit</Link>{' '}
          <DeleteTest id={r.test.id} name={testName(r.test)} onDeleted={props.onChange} />
        </span>
      ),
    },
  ];
  return (
    <section class="panel" aria-label="Tests">
      <div class="page-head">
        <h1>Synthetic tests</h1>
      </div>
      <DataTable
        label="Tests"
        columns={columns}
        rows={props.data.tests}
        initialSort={{ key: 'status', dir: 'desc' }}
        empty={
          <Empty title="No synthetic tests yet: create one">
            <Link href="/synth/new">New test</Link> — ping, traceroute, HTTP(S), DNS or TCP, run by every
            agent or the ones you pick.
          </Empty>
        }
      />
    </section>
  );
}

const target = (r: TestStatusRow) => (typeof r.test.url === 'string' ? r.test.url : r.test.target);

/** Sort order: the worst last, so a descending sort puts failing tests first. */
const order = ['ok', 'no data', 'stale', 'degraded', 'failing'] as const;
