import { type ComponentHealth, type HealthComponent, judged, round } from '../../metrics/health.js';
import { CounterWindow } from '../../metrics/health-window.js';
import type { Meter } from '../../metrics/meter.js';
import type { Registry } from '../../metrics/registry.js';
import type { TestType } from '../contract.js';
import type { SynthAgent } from './synth-agent.js';

const types: readonly TestType[] = ['ping', 'trace', 'http', 'dns', 'tcp'];

/**
 * The agent's metric families (docs/synth.md "Agent metrics"): tasks, runs and their rate, late
 * and skipped ticks, what waits to be sent and what could not be. Returns the meter each finished
 * run marks (runs per second by type).
 */
export function instrumentSynthAgent(r: Registry, agent: SynthAgent): (type: TestType) => Meter {
  const s = agent.scheduler;
  const sent = () => agent.results?.stats();
  for (const type of types)
    r.gaugeFn(
      'flowlens_synth_agent_tasks',
      () => s.byType()[type] ?? 0,
      { type },
      { help: 'Tasks the agent runs, by test type' },
    );
  r.gaugeFn('flowlens_synth_agent_running_runs', () => s.running, undefined, {
    help: 'Runs in progress now',
  });
  r.gaugeFn('flowlens_synth_agent_queued_runs', () => s.queued, undefined, {
    help: 'Ticks waiting for a free slot (--concurrency)',
  });
  const help =
    'Ticks that did not run on time: late (started over lateMs after the tick), missed (the agent woke after a later tick), overrun (the previous run had not ended)';
  r.counterFn('flowlens_synth_agent_late_ticks_total', () => s.stats.lateTicks, { kind: 'late' }, { help });
  r.counterFn(
    'flowlens_synth_agent_late_ticks_total',
    () => s.stats.missedTicks,
    { kind: 'missed' },
    { help },
  );
  r.counterFn(
    'flowlens_synth_agent_late_ticks_total',
    () => s.stats.overrunTicks,
    { kind: 'overrun' },
    { help },
  );
  r.counterFn('flowlens_synth_agent_stuck_runs_total', () => s.stats.stuckRuns, undefined, {
    help: 'Runs given up past their deadline and grace (recorded as timeouts)',
  });
  r.gaugeFn(
    'flowlens_synth_agent_buffered_results',
    () => agent.pendingResults + (sent()?.queuedRows ?? 0),
    undefined,
    {
      help: 'Results not yet acknowledged by the server: waiting for the export, in memory or in the spool',
    },
  );
  r.gaugeFn('flowlens_synth_agent_spool_bytes', () => sent()?.spoolBytes ?? 0, undefined, {
    help: 'Bytes of result batches in the spool directory',
  });
  r.counterFn('flowlens_synth_agent_sent_results_total', () => sent()?.sentRows ?? 0, undefined, {
    help: 'Results acknowledged by the server',
  });
  r.counterFn(
    'flowlens_synth_agent_dropped_results_total',
    () => (sent()?.droppedRows ?? 0) + (sent()?.rejectedRows ?? 0) + agent.stats.droppedPending,
    undefined,
    { help: 'Results lost: past the buffer bounds, or refused by the server' },
  );
  r.counterFn(
    'flowlens_synth_agent_send_errors_total',
    () => Object.values(sent()?.failures ?? {}).reduce((a, b) => a + b, 0),
    undefined,
    { help: 'Result batches that failed to reach the server (retried)' },
  );
  r.counterFn('flowlens_synth_agent_task_polls_total', () => agent.stats.polls, undefined, {
    help: 'Task polls answered',
  });
  r.counterFn(
    'flowlens_synth_agent_request_errors_total',
    () => agent.stats.pollErrors,
    { request: 'tasks' },
    {
      help: 'Task polls and status reports that failed',
    },
  );
  r.counterFn('flowlens_synth_agent_request_errors_total', () => agent.stats.statusErrors, {
    request: 'status',
  });
  const meters = new Map(
    types.map((type) => [
      type,
      r.meter(
        'flowlens_synth_agent_runs_total',
        { type },
        { help: 'Runs finished, by test type; the rates are runs per second' },
      ),
    ]),
  );
  return (type) => meters.get(type)!;
}

/**
 * The agent as the health socket shows it.
 *   BAD   not registered, or waiting for an admin's approval.
 *   WARN  results cannot be delivered (the server is unreachable or failing); ticks ran late,
 *         were missed or overran in the last minute; results were dropped in the last minute.
 */
export function synthAgentHealth(agent: SynthAgent): HealthComponent {
  const runs = new CounterWindow();
  const late = new CounterWindow();
  const dropped = new CounterWindow();
  return {
    name: 'synth',
    check(now: number): ComponentHealth {
      const s = agent.scheduler;
      const sent = agent.results?.stats();
      runs.record(now, s.stats.runs);
      late.record(now, s.stats.lateTicks + s.stats.missedTicks + s.stats.overrunTicks);
      dropped.record(now, (sent?.droppedRows ?? 0) + agent.stats.droppedPending);
      const bad: string[] = [];
      const state = agent.stats.state;
      if (state === 'registering')
        bad.push(`not registered with ${agent.config.server} yet${suffix(agent.stats.lastError)}`);
      if (state === 'pending') bad.push(`agent ${agent.stats.agentId} waits for an admin's approval`);
      const warn: string[] = [];
      if (sent?.failing === true)
        warn.push(`results cannot be delivered: ${sent.lastError ?? 'unknown error'}`);
      if (late.delta() > 0) warn.push(`${late.delta()} ticks late, missed or overrun in the last minute`);
      if (dropped.delta() > 0)
        warn.push(`${dropped.delta()} results dropped in the last minute (buffer bounds)`);
      return judged(
        'synth',
        {
          state,
          agent: agent.stats.agentId ?? '-',
          tasks: s.size,
          running: s.running,
          queued: s.queued,
          runs_per_s: round(runs.rate()),
          late_ticks: s.stats.lateTicks + s.stats.missedTicks,
          overrun_ticks: s.stats.overrunTicks,
          buffered_results: agent.pendingResults + (sent?.queuedRows ?? 0),
          spool_bytes: sent?.spoolBytes ?? 0,
          task_version: agent.stats.taskVersion,
        },
        bad,
        warn,
      );
    },
  };
}

function suffix(error: string | undefined): string {
  return error === undefined ? '' : ` (${error})`;
}
