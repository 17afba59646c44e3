import { useState } from 'preact/hooks';
import { formatCount, formatTime } from '../../../../src/portal/format-units.js';
import { ago } from '../../../../src/portal/pages-format.js';
import type { AgentRow } from '../../../../src/portal/synth-agents.js';
import { post } from '../../app/api.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Badge } from '../shared/Badge.js';
import { Num } from '../shared/Num.js';

/** The synthetic agents (shared by the tenants), their state and what their last report says. */
export function AgentsTable(props: { agents: readonly AgentRow[]; onChange: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const now = Date.now();
  const approve = async (id: string) => {
    try {
      setError(undefined);
      await post(`/api/v1/synth/agents/${encodeURIComponent(id)}/approve`, {});
      props.onChange();
    } catch (err) {
      setError(err);
    }
  };
  const columns: Column<AgentRow>[] = [
    {
      key: 'state',
      label: 'State',
      value: (a) => a.state,
      render: (a) => (
        <Badge status={a.state} tone={a.state === 'up' ? 'good' : a.state === 'down' ? 'bad' : 'warn'} />
      ),
    },
    { key: 'name', label: 'Agent', value: (a) => a.name },
    { key: 'id', label: 'ID', value: (a) => a.id, render: (a) => <code>{a.id}</code> },
    { key: 'version', label: 'Version', value: (a) => a.version },
    { key: 'addresses', label: 'Addresses', value: (a) => a.addresses },
    {
      key: 'seen',
      label: 'Last heard from',
      value: (a) => a.lastSeenMs,
      render: (a) =>
        a.lastSeenMs === null ? (
          ''
        ) : (
          <span title={`${formatTime(a.lastSeenMs)} UTC`}>{ago(a.lastSeenMs, now)}</span>
        ),
    },
    { key: 'tests', label: 'Tests', value: (a) => a.tests, align: 'right' },
    {
      key: 'running',
      label: 'Running',
      value: (a) => a.running,
      render: (a) => <Num value={a.running} format={formatCount} />,
      align: 'right',
    },
    {
      key: 'sent',
      label: 'Results sent',
      value: (a) => a.sent,
      render: (a) => <Num value={a.sent} format={formatCount} />,
      align: 'right',
    },
    {
      key: 'dropped',
      label: 'Dropped',
      value: (a) => a.dropped,
      render: (a) => <Num value={a.dropped} format={formatCount} />,
      align: 'right',
    },
    {
      key: 'error',
      label: 'Last error',
      value: (a) => a.lastError,
      render: (a) => <code>{a.lastError}</code>,
    },
    {
      key: 'actions',
      label: '',
      value: () => null,
      render: (a) =>
        a.state === 'pending' ? (
          <button type="button" onClick={() => approve(a.id)}>
            Approve
          </button>
        ) : (
          ''
        ),
    },
  ];
  const origin = typeof window === 'undefined' ? 'http://SERVER:8080' : window.location.origin;
  return (
    <section class="panel" aria-label="Agents">
      <h2>Agents</h2>
      {error !== undefined && <ErrorBox error={error} />}
      <DataTable
        label="Agents"
        columns={columns}
        rows={props.agents}
        empty={
          <Empty title="No agents yet">
            Run <code>flowlens synth --server {origin} --token TOKEN</code> on the hosts to test from: a token
            listed in the server's <code>synthTokens</code> is approved at once, any other waits here for an
            admin's approval.
          </Empty>
        }
      />
    </section>
  );
}
