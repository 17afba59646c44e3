import type { AgentRecord } from './agent-registry.js';
import type { SynthService } from './synth-service.js';
import type { StoredTest } from './test-store.js';

/** A test as the API shows it: its definition (what POST and PUT take, with its id), label, agents, times. */
export function testView(t: StoredTest): Record<string, unknown> {
  return {
    ...t.spec,
    label: t.label,
    agents: t.agents,
    version: t.version,
    createdAt: new Date(t.createdAt).toISOString(),
    updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** An agent as the API shows it (never its token digest), with its last status report. */
export function agentView(s: SynthService, a: AgentRecord): Record<string, unknown> {
  const status = s.agents.status(a.id);
  return {
    id: a.id,
    name: a.name,
    status: a.status,
    preShared: a.preShared,
    version: a.version,
    addresses: a.addresses,
    registeredAt: iso(a.registeredAt),
    approvedAt: iso(a.approvedAt),
    approvedBy: a.approvedBy ?? null,
    lastSeenAt: iso(s.agents.seenAt(a.id)),
    tests: s.tests.countFor(a.id),
    reportedAt: iso(status?.receivedAt),
    report: status?.report ?? null,
  };
}
