import { useMemo } from 'preact/hooks';
import { refreshSeconds } from '../../../../src/portal/explorer-range.js';
import { rangeFromSearch, rangeToSearch, resolveWindow } from '../../../../src/portal/pages-range.js';
import { Link, setSearch, useLocation } from '../../app/router.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { RangePicker } from '../explorer/RangePicker.js';
import { pageState } from '../shared/page-state.js';
import { SqlDetails } from '../shared/SqlDetails.js';
import { useLoad } from '../shared/useLoad.js';
import '../shared/pages.css';
import { AgentsTable } from './AgentsTable.js';
import { loadSynth } from './load-synth.js';
import { TestsTable } from './TestsTable.js';

/**
 * Synthetic tests: the tenant's tests with their status, availability, latency and loss over the
 * range, and the agents that run them with their state.
 */
export default function SynthPage() {
  const { search } = useLocation();
  const range = useMemo(() => rangeFromSearch(search, '1h'), [search.toString()]);
  const key = rangeToSearch(range, new URLSearchParams()).toString();
  const load = useLoad(
    key,
    (signal) => loadSynth(resolveWindow(range, Date.now()), signal),
    refreshSeconds(range),
  );
  const { data, error, reload } = load;
  return (
    <div class="synth-page" {...pageState(load, key, search.toString())}>
      <section class="panel toolbar" aria-label="View">
        <RangePicker range={range} onChange={(r) => setSearch(rangeToSearch(r, search))} />
        <Link href="/synth/new" class="button-link">
          New test
        </Link>
      </section>
      {error !== undefined && <ErrorBox error={error} />}
      {data === undefined && error === undefined && <Loading label="Loading synthetic tests…" />}
      {data !== undefined && (
        <>
          <TestsTable data={data} range={range} onChange={reload} />
          <AgentsTable agents={data.agents} onChange={reload} />
          <SqlDetails
            statements={data.statements}
            note="Tests and agents come from GET /api/v1/synth/tests and /api/v1/synth/agents."
          />
        </>
      )}
    </div>
  );
}
