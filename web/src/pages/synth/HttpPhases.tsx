import { formatMs } from '../../../../src/portal/format-units.js';
import type { Pivoted } from '../../../../src/portal/pages-cells.js';
import { formatPct } from '../../../../src/portal/pages-format.js';
import { type PhaseBreakdown, waterfall } from '../../../../src/portal/synth-series.js';
import { Empty } from '../../components/Empty.js';
import { colorAt } from '../../components/palette.js';
import { TimeChart } from '../../components/TimeChart.js';
import { Num } from '../shared/Num.js';

/** An HTTP test's phases: each agent's mean waterfall over the range, and the phases over time. */
export function HttpPhases(props: {
  over: Pivoted;
  byAgent: readonly PhaseBreakdown[];
  agentName: (id: string) => string;
}) {
  const scale = Math.max(1, ...props.byAgent.map((a) => a.totalMs ?? 0));
  const labels = props.byAgent[0]?.phases.map((p) => p.label) ?? [];
  return (
    <section class="panel" aria-label="HTTP phases">
      <h2>HTTP phases (mean of the successful runs)</h2>
      {props.byAgent.length === 0 ? (
        <Empty title="No HTTP results in this time range" />
      ) : (
        <>
          <div class="legend">
            {labels.map((l, i) => (
              <span key={l}>
                <i style={{ background: colorAt(i) }} />
                {l}
              </span>
            ))}
          </div>
          <div class="waterfall">
            {props.byAgent.map((a) => (
              <AgentWaterfall key={a.agent} agent={a} name={props.agentName(a.agent)} scale={scale} />
            ))}
          </div>
          <TimeChart
            label="HTTP phases over time"
            times={props.over.times}
            series={props.over.series.map((s) => ({
              label: s.key,
              values: s.values,
              spanGaps: true,
              points: true,
            }))}
            format={formatMs}
            height={220}
          />
        </>
      )}
    </section>
  );
}

function AgentWaterfall(props: { agent: PhaseBreakdown; name: string; scale: number }) {
  const a = props.agent;
  return (
    <>
      <span data-agent={a.agent}>
        {props.name}{' '}
        <span class="bar-label">
          {a.runs} runs,{' '}
          <Num value={a.availability === null ? null : a.availability * 100} format={formatPct} /> ok
        </span>
      </span>
      <div class="bar-track">
        {waterfall(a.phases, props.scale).map((b, i) => (
          <div
            key={b.label}
            class="bar"
            style={{ left: `${b.startPct}%`, width: `${b.widthPct}%`, background: colorAt(i) }}
            title={`${b.label}: ${b.ms === null ? 'did not happen' : formatMs(b.ms)}`}
            data-phase={a.phases[i]!.phase}
            data-value={b.ms === null ? undefined : String(b.ms)}
          />
        ))}
      </div>
      <span class="bar-label">
        total <Num value={a.totalMs} format={formatMs} />
      </span>
    </>
  );
}
