import type { ServerResponse } from 'node:http';
import { agentNamePattern } from '../../ingest/agent-key.js';
import type { Users } from '../../server/auth/users.js';
import { readBody } from '../../server/http/body.js';
import { type Handler, HttpError, type HttpRequest, sendJson } from '../../server/http/respond.js';
import type { Method, Route } from '../../server/http/routes.js';
import { principalOf } from '../../server/http/tenant.js';
import { BatchError, decodeResultBatch } from '../result-batch.js';
import { agentToken, requestAgent } from './agent-auth.js';
import { PendingLimitError } from './agent-registry.js';
import type { ResultItem } from './result-rows.js';
import * as docs from './route-docs.js';
import type { SynthService } from './synth-service.js';
import { InputError, parseTestInput } from './test-input.js';
import { TestLimitError } from './test-store.js';
import { agentView, testView } from './views.js';

export interface SynthRoutesContext {
  readonly service: SynthService;
  readonly users: Users;
}

const maxJsonBytes = 1 << 20;
const maxResultBytes = 64 << 20;
const maxStatusBytes = 64 << 10;

/**
 * The synthetic-monitoring routes of the HTTP API (docs/synth.md "Server API"). Users manage
 * their tenant's tests; admins approve and remove agents; agents register, poll their tasks and
 * send results and status with their own token.
 */
export function synthRoutes(ctx: SynthRoutesContext): Route[] {
  const s = ctx.service;
  const r = (
    method: Method,
    path: string,
    auth: Route['auth'],
    doc: Route['doc'],
    handler: Handler,
  ): Route => ({
    method,
    path,
    auth,
    doc,
    handler: whenReady(s, handler),
  });
  return [
    r('GET', '/api/v1/synth/tests', 'user', docs.listTestsDoc, (req, res) =>
      sendJson(res, 200, { tests: s.tests.list(principalOf(req).tenant).map(testView) }),
    ),
    r('POST', '/api/v1/synth/tests', 'user', docs.createTestDoc, async (req, res) => {
      const input = await testInput(req);
      const test = await s.tests.create(principalOf(req).tenant, input).catch(limitError);
      sendJson(res, 201, { test: testView(test) });
    }),
    r('GET', '/api/v1/synth/tests/{id}', 'user', docs.getTestDoc, (req, res) =>
      sendJson(res, 200, { test: testView(ownTest(ctx, req)) }),
    ),
    r('PUT', '/api/v1/synth/tests/{id}', 'user', docs.updateTestDoc, async (req, res) => {
      const input = await testInput(req);
      const test = await s.tests.update(principalOf(req).tenant, param(req), input);
      if (test === undefined) throw unknownTest(param(req));
      sendJson(res, 200, { test: testView(test) });
    }),
    r('DELETE', '/api/v1/synth/tests/{id}', 'user', docs.deleteTestDoc, async (req, res) => {
      if (!(await s.tests.remove(principalOf(req).tenant, param(req)))) throw unknownTest(param(req));
      sendJson(res, 200, { deleted: param(req) });
    }),
    r('GET', '/api/v1/synth/agents', 'user', docs.listAgentsDoc, (_req, res) =>
      sendJson(res, 200, { agents: s.agents.list().map((a) => agentView(s, a)) }),
    ),
    r('POST', '/api/v1/synth/agents/{id}/approve', 'user', docs.approveAgentDoc, async (req, res) => {
      const by = requireAdmin(ctx, req);
      const agent = await s.agents.approve(param(req), by);
      if (agent === undefined) throw unknownAgent(param(req));
      sendJson(res, 200, { agent: agentView(s, agent) });
    }),
    r('DELETE', '/api/v1/synth/agents/{id}', 'user', docs.deleteAgentDoc, async (req, res) => {
      requireAdmin(ctx, req);
      if (!(await s.agents.remove(param(req)))) throw unknownAgent(param(req));
      sendJson(res, 200, { deleted: param(req) });
    }),
    r('POST', '/api/v1/synth/agents/register', 'agent', docs.registerDoc, (req, res) =>
      register(s, req, res),
    ),
    r('GET', '/api/v1/synth/tasks', 'agent', docs.tasksDoc, (req, res) => tasks(s, req, res)),
    r('POST', '/api/v1/synth/results', 'agent', docs.resultsDoc, (req, res) => results(s, req, res)),
    r('POST', '/api/v1/synth/status', 'agent', docs.statusDoc, async (req, res) => {
      const agent = requestAgent(req, s.agents);
      const report = await jsonBody(req, maxStatusBytes);
      if (typeof report !== 'object' || report === null || Array.isArray(report))
        throw new HttpError(400, 'bad_status', 'expected a JSON object: the agent status report');
      s.agents.setStatus(agent.id, report as Record<string, unknown>);
      s.stats.statusReports++;
      sendJson(res, 200, { ok: true });
    }),
  ];
}

async function register(s: SynthService, req: HttpRequest, res: ServerResponse): Promise<void> {
  const token = agentToken(req);
  const body = (await jsonBody(req, maxJsonBytes)) as {
    name?: unknown;
    version?: unknown;
    addresses?: unknown;
  };
  const name = body?.name;
  if (typeof name !== 'string' || !agentNamePattern.test(name))
    throw new HttpError(
      400,
      'bad_agent',
      `name: expected 1-128 letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`,
    );
  const version = typeof body.version === 'string' ? body.version.slice(0, 100) : '';
  const addresses = Array.isArray(body.addresses)
    ? body.addresses.filter((a): a is string => typeof a === 'string').slice(0, 64)
    : [];
  if (token.length < 16) throw new HttpError(400, 'bad_token', 'an agent token has at least 16 characters');
  const agent = await s.agents.register(token, name, version, addresses).catch((err) => {
    if (err instanceof PendingLimitError) throw new HttpError(429, 'too_many_agents', err.message);
    throw err;
  });
  s.stats.registrations++;
  const approved = agent.status === 'approved';
  sendJson(res, approved ? 200 : 202, { agent: { id: agent.id, name: agent.name, status: agent.status } });
}

async function tasks(s: SynthService, req: HttpRequest, res: ServerResponse): Promise<void> {
  const agent = requestAgent(req, s.agents);
  const asked = req.url.searchParams.get('version') ?? '0';
  const since = Number(asked);
  if (!Number.isSafeInteger(since) || since < 0)
    throw new HttpError(400, 'bad_version', `version: expected the integer of the last answer, got ${asked}`);
  s.stats.taskPolls++;
  const changes = s.tests.changesFor(agent.id, since);
  if (changes === undefined) {
    s.stats.unchangedPolls++;
    res.writeHead(304, { etag: `"${since}"` });
    res.end();
    return;
  }
  sendJson(res, 200, changes, { etag: `"${changes.version}"` });
}

async function results(s: SynthService, req: HttpRequest, res: ServerResponse): Promise<void> {
  const agent = requestAgent(req, s.agents);
  const body = await readBody(req.raw, maxResultBytes);
  let batch: ReturnType<typeof decodeResultBatch>;
  try {
    batch = decodeResultBatch(body.toString('utf8'));
  } catch (err) {
    if (err instanceof BatchError) throw new HttpError(400, 'bad_batch', err.message);
    throw err;
  }
  const key = `${agent.id}/${batch.header.session}/${batch.header.seq}`;
  const items: ResultItem[] = [];
  let unknown = 0;
  for (const result of batch.results) {
    const test = s.tests.byId(result.testId);
    if (test === undefined) {
      unknown++;
      continue;
    }
    items.push({ result, cx: { tenant: test.tenant, agent: agent.id, batch: key, spec: test.spec } });
  }
  const stored =
    items.length === 0 ||
    (await s.results.store(agent.id, batch.header.session, batch.header.seq, items).catch(diskFull));
  s.stats.resultBatches++;
  if (stored) {
    s.stats.storedResults += items.length;
    s.stats.unknownTestResults += unknown;
    s.stats.rejectedResults += batch.rejected;
  }
  sendJson(res, 200, {
    stored: stored ? items.length : 0,
    duplicate: !stored,
    unknownTests: unknown,
    rejected: batch.rejected,
    ...(batch.firstProblem === undefined ? {} : { problem: batch.firstProblem }),
  });
}

function whenReady(s: SynthService, handler: Handler): Handler {
  return (req, res) => {
    if (!s.ready)
      throw new HttpError(
        503,
        'synth_starting',
        'synthetic monitoring is starting; retry shortly',
        {},
        { 'retry-after': '1' },
      );
    return handler(req, res);
  };
}

async function testInput(req: HttpRequest) {
  try {
    return parseTestInput(await jsonBody(req, maxJsonBytes));
  } catch (err) {
    if (err instanceof InputError) throw new HttpError(400, 'bad_test', err.message);
    throw err;
  }
}

async function jsonBody(req: HttpRequest, limit: number): Promise<unknown> {
  const body = await readBody(req.raw, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

function ownTest(ctx: SynthRoutesContext, req: HttpRequest) {
  const test = ctx.service.tests.get(principalOf(req).tenant, param(req));
  if (test === undefined) throw unknownTest(param(req));
  return test;
}

function requireAdmin(ctx: SynthRoutesContext, req: HttpRequest): string {
  const { user } = principalOf(req);
  if (!ctx.users.isAdmin(user))
    throw new HttpError(
      403,
      'admin_required',
      `user "${user}" is not an admin: approving and removing agents needs "admin": true`,
    );
  return user;
}

function param(req: HttpRequest): string {
  return req.params?.id ?? '';
}

const unknownTest = (id: string) =>
  new HttpError(
    404,
    'unknown_test',
    `your tenant has no synthetic test "${id}" (GET /api/v1/synth/tests lists them)`,
  );
const unknownAgent = (id: string) =>
  new HttpError(404, 'unknown_agent', `no synthetic agent "${id}" (GET /api/v1/synth/agents lists them)`);

function limitError(err: unknown): never {
  if (err instanceof TestLimitError) throw new HttpError(429, 'too_many_tests', err.message);
  throw err;
}

function diskFull(err: unknown): never {
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
    throw new HttpError(
      507,
      'store_disk_full',
      'the data disk is full; nothing was stored',
      {},
      { 'retry-after': '10' },
    );
  throw err;
}
