import { loadavg, networkInterfaces } from 'node:os';
import type { SynthAgent } from './synth-agent.js';

/**
 * What the agent reports every statusIntervalMs (POST /api/v1/synth/status; shown by GET
 * /api/v1/synth/agents): who it is, its load, its tasks, its ticks, its results and its errors.
 */
export function statusReport(agent: SynthAgent, version: string): Record<string, unknown> {
  const sched = agent.scheduler;
  const sent = agent.results?.stats();
  return {
    name: agent.config.name,
    version,
    startedAt: new Date(agent.startedAt).toISOString(),
    uptimeS: Math.round((Date.now() - agent.startedAt) / 1000),
    addresses: hostAddresses(),
    load: loadavg(),
    rssBytes: process.memoryUsage().rss,
    tasks: { total: sched.size, byType: sched.byType(), running: sched.running, queued: sched.queued },
    taskVersion: agent.stats.taskVersion,
    ticks: { ...sched.stats },
    results: {
      pending: agent.pendingResults,
      queued: sent?.queuedRows ?? 0,
      sent: sent?.sentRows ?? 0,
      dropped: (sent?.droppedRows ?? 0) + agent.stats.droppedPending,
      rejected: sent?.rejectedRows ?? 0,
      spoolBytes: sent?.spoolBytes ?? 0,
    },
    errors: {
      send: Object.values(sent?.failures ?? {}).reduce((a, b) => a + b, 0),
      poll: agent.stats.pollErrors,
      status: agent.stats.statusErrors,
      last: agent.stats.lastError ?? sent?.lastError ?? null,
    },
  };
}

/** The host's non-loopback addresses. */
export function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal) out.push(a.address);
  return out;
}
