/**
 * Host agents (and any program using the sender library, src/agent/export/sender.ts) are devices
 * too, registered in the same DeviceRegistry as exporters and sharing their ids. An exporter is
 * keyed by its source address; an agent, which has none that means anything, by
 * `agent:<tenant>/<name>`: the name it sends (`?device=`) within the tenant of the user it
 * authenticates as. A configured device `{"address": "agent:NAME", "tenant": T}` pins one.
 */

const prefix = 'agent:';

export function agentKey(tenant: string, name: string): string {
  return `${prefix}${tenant}/${name}`;
}

/** The tenant and name in an agent key; undefined for an exporter address. */
export function parseAgentKey(key: string): { tenant: string; name: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const slash = key.indexOf('/', prefix.length);
  if (slash < 0) return undefined;
  return { tenant: key.slice(prefix.length, slash), name: key.slice(slash + 1) };
}

/** The registry key of a configured device: `agent:NAME` becomes the agent's key in its tenant. */
export function configuredAgentKey(address: string, tenant: string): string | undefined {
  if (!address.startsWith(prefix) || address.includes('/')) return undefined;
  return agentKey(tenant, address.slice(prefix.length));
}

/** What an agent may call itself: a host name, as letters, digits, '.', '_' and '-'. */
export const agentNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
