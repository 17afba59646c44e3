import { formatMs, formatTime } from '../../../../src/portal/format-units.js';
import { formatPct } from '../../../../src/portal/pages-format.js';
import type { AgentPath, LatestRun, PathHop } from '../../../../src/portal/synth-trace.js';
import { Empty } from '../../components/Empty.js';
import { Num } from '../shared/Num.js';

/**
 * A traceroute path drawn hop by hop (HTML and CSS, no chart code): per agent a line of hops, each
 * with its address(es), loss and a latency bar (min–max range, the mean marked), as mtr shows it
 * over the range; and the agent's latest run.
 */
export function TracePaths(props: {
  paths: readonly AgentPath[];
  latest: readonly LatestRun[];
  agentName: (id: string) => string;
}) {
  if (props.paths.length === 0)
    return (
      <Empty title="No traceroute results in this time range">An agent runs the test at its interval.</Empty>
    );
  const scale = Math.max(1, ...props.paths.flatMap((p) => p.hops.map((h) => h.rttMaxMs ?? 0)));
  return (
    <>
      {props.paths.map((p) => {
        const latest = props.latest.find((l) => l.agent === p.agent);
        return (
          <section
            class="panel"
            aria-label={`Path from ${props.agentName(p.agent)}`}
            data-agent={p.agent}
            key={p.agent}
          >
            <h2>
              Path from {props.agentName(p.agent)}
              {latest !== undefined && (
                <span class="bar-label">
                  {' '}
                  — latest run {formatTime(latest.timeMs)} UTC:{' '}
                  {latest.reached
                    ? `reached in ${latest.hops} hops`
                    : `not reached (${latest.error || 'no answer'})`}
                </span>
              )}
            </h2>
            <ol class="trace-path">
              {p.hops.map((h) => (
                <Hop key={h.ttl} hop={h} scale={scale} />
              ))}
            </ol>
          </section>
        );
      })}
    </>
  );
}

function Hop(props: { hop: PathHop; scale: number }) {
  const h = props.hop;
  const runs = h.addresses.reduce((s, a) => s + a.runs, 0);
  const lossClass = h.received === 0 ? 'loss-all' : h.lossPct > 0 ? 'loss-some' : 'loss-none';
  const pct = (ms: number | null) => ((ms ?? 0) / props.scale) * 100;
  return (
    <li class={`trace-hop ${lossClass}`} data-ttl={h.ttl}>
      <span class="ttl">{h.ttl}</span>
      <span class="addr">
        {h.addresses.map((a) => (
          <div key={a.address} data-address={a.address}>
            {a.address === '' ? '* (no answer)' : a.address}
            {h.addresses.length > 1 && <small> {Math.round((a.runs / runs) * 100)} % of runs</small>}
          </div>
        ))}
      </span>
      <span class="loss" title={`${h.received} of ${h.probes} probes answered`}>
        <Num value={h.lossPct} format={formatPct} /> loss
      </span>
      <span>
        <div class="bar-track" title="min – max RTT, the mean marked">
          {h.rttMinMs !== null && h.rttMaxMs !== null && (
            <div
              class="bar bar-range"
              style={{ left: `${pct(h.rttMinMs)}%`, width: `${pct(h.rttMaxMs) - pct(h.rttMinMs)}%` }}
            />
          )}
          {h.rttAvgMs !== null && <div class="bar-mark" style={{ left: `${pct(h.rttAvgMs)}%` }} />}
        </div>
        <span class="bar-label rtt">
          avg <Num value={h.rttAvgMs} format={formatMs} />, min <Num value={h.rttMinMs} format={formatMs} />,
          max <Num value={h.rttMaxMs} format={formatMs} />
        </span>
      </span>
    </li>
  );
}
