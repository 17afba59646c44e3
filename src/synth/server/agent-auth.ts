import { wwwAuthenticate } from '../../server/http/auth.js';
import { HttpError, type HttpRequest } from '../../server/http/respond.js';
import type { AgentRecord, SynthAgents } from './agent-registry.js';

/** The bearer token of a request from an agent; 401 without one. */
export function agentToken(req: HttpRequest): string {
  const header = req.raw.headers.authorization ?? '';
  const m = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (m === null)
    throw new HttpError(
      401,
      '28000',
      'authentication required: an agent sends Authorization: Bearer <its token>',
      {},
      { 'www-authenticate': wwwAuthenticate },
    );
  return m[1]!;
}

/**
 * The approved agent a request comes from: `Authorization: Bearer <token>` and `?agent=<id>` as
 * its registration answered. 401 unknown_agent when they match no agent (it registers again),
 * 403 agent_pending while an admin has not approved it.
 */
export function requestAgent(req: HttpRequest, agents: SynthAgents): AgentRecord {
  const token = agentToken(req);
  const id = req.url.searchParams.get('agent') ?? '';
  const found = agents.authenticate(id, token);
  if (found === 'unknown')
    throw new HttpError(
      401,
      'unknown_agent',
      `no registered agent "${id}" with this token: register first (POST /api/v1/synth/agents/register)`,
    );
  if (found === 'pending')
    throw new HttpError(
      403,
      'agent_pending',
      `agent "${id}" waits for an admin's approval`,
      {},
      { 'retry-after': '30' },
    );
  return found;
}
