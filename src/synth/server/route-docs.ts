import { errorResponse } from '../../server/http/openapi-schemas.js';
import type { JsonSchema, ParameterDoc, ResponseDoc, RouteDoc } from '../../server/http/openapi-types.js';

/** The OpenAPI description of the synthetic-monitoring routes (routes.ts pairs them). */

const tags = ['synth'];
const json = (schema: JsonSchema, description: string): ResponseDoc => ({
  description,
  content: { 'application/json': { schema } },
});

const testSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'target', 'intervalS', 'timeoutMs', 'label', 'agents', 'version'],
  properties: {
    id: { type: 'string', description: 'Given by the server: results name it (test_id in SQL)' },
    type: { type: 'string', enum: ['ping', 'trace', 'http', 'dns', 'tcp'] },
    target: { type: 'string', description: 'Host name or address (dns: the server asked)' },
    intervalS: { type: 'integer', description: 'Seconds between runs (default 60)' },
    timeoutMs: { type: 'integer', description: 'Whole-run deadline, at most the interval' },
    family: { type: 'integer', enum: [4, 6] },
    label: { type: 'string' },
    agents: {
      description: '"all" approved agents, or a list of agent ids',
      type: ['string', 'array'],
      items: { type: 'string' },
    },
    version: { type: 'integer', description: 'The task-list version of its last change' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  additionalProperties: true,
  description:
    'ping: count (5), packetIntervalMs (200), size (56); trace: protocol (udp|icmp), maxHops (30), probesPerHop (3), port (33434); http: url, method (GET), headers, expectStatus, bodyMatch, ca, insecure; dns: name, recordType (A), port (53), transport (udp|tcp); tcp: port',
};

const testInputSchema: JsonSchema = {
  type: 'object',
  required: ['type'],
  description: `${testSchema.description as string}. Every field but type (and target, or url for http; name for dns; port for tcp) has a default.`,
};

const agentSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'status'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved'] },
    preShared: { type: 'boolean', description: 'Registered with a token of synthTokens' },
    version: { type: 'string' },
    addresses: { type: 'array', items: { type: 'string' } },
    registeredAt: { type: ['string', 'null'] },
    approvedAt: { type: ['string', 'null'] },
    approvedBy: { type: ['string', 'null'] },
    lastSeenAt: { type: ['string', 'null'], description: 'Its last request (this server run)' },
    tests: { type: 'integer', description: 'Tests it runs now' },
    reportedAt: { type: ['string', 'null'] },
    report: { type: ['object', 'null'], description: 'Its last status report (POST /api/v1/synth/status)' },
  },
};

const idParameter: ParameterDoc = {
  name: 'id',
  in: 'path',
  description: 'The id the server gave',
  required: true,
  schema: { type: 'string' },
};

const agentParameter: ParameterDoc = {
  name: 'agent',
  in: 'query',
  description: 'The agent id its registration answered',
  required: true,
  schema: { type: 'string' },
};

const pingExample = {
  summary: 'Ping a host every 30 s from every agent',
  value: { type: 'ping', target: '192.0.2.1', intervalS: 30, count: 5, label: 'edge router' },
};
const httpExample = {
  summary: 'An HTTPS check from two agents',
  value: {
    type: 'http',
    url: 'https://example.com/health',
    expectStatus: 200,
    bodyMatch: 'ok',
    intervalS: 60,
    agents: ['a-0123456789ab', 'a-ba9876543210'],
  },
};

const testAnswer = json({ type: 'object', required: ['test'], properties: { test: testSchema } }, 'The test');
const notYours = errorResponse("unknown_test: the user's tenant has no test of this id");
const badTest = errorResponse('bad_test: a field is wrong (the message names it), or bad_request: not JSON');
const starting = errorResponse('The server is starting; retry after Retry-After', true);

export const listTestsDoc: RouteDoc = {
  operationId: 'listSynthTests',
  summary: "The tenant's synthetic tests",
  description: "Every test of the user's tenant; other tenants' tests are never visible.",
  tags,
  responses: {
    '200': json(
      { type: 'object', required: ['tests'], properties: { tests: { type: 'array', items: testSchema } } },
      'The tests',
    ),
    '503': starting,
  },
};

export const createTestDoc: RouteDoc = {
  operationId: 'createSynthTest',
  summary: 'Define a synthetic test',
  description:
    'A ping, trace, http, dns or tcp test of the user\'s tenant, run every intervalS seconds by the agents named (default "all" approved agents). The agents get it at their next task poll; its results land in the synth_<type> table.',
  tags,
  requestBody: {
    description: 'The test',
    required: true,
    content: {
      'application/json': { schema: testInputSchema, examples: { ping: pingExample, http: httpExample } },
    },
  },
  responses: {
    '201': testAnswer,
    '400': badTest,
    '429': errorResponse('too_many_tests: the server holds its limit of tests'),
    '503': starting,
  },
};

export const getTestDoc: RouteDoc = {
  operationId: 'getSynthTest',
  summary: 'One synthetic test',
  description: "A test of the user's tenant.",
  tags,
  parameters: [idParameter],
  responses: { '200': testAnswer, '404': notYours, '503': starting },
};

export const updateTestDoc: RouteDoc = {
  operationId: 'updateSynthTest',
  summary: 'Replace a synthetic test',
  description:
    'The whole definition, as for POST; the id stays. Agents pick up the change at their next poll.',
  tags,
  parameters: [idParameter],
  requestBody: {
    description: 'The test',
    required: true,
    content: { 'application/json': { schema: testInputSchema, examples: { ping: pingExample } } },
  },
  responses: { '200': testAnswer, '400': badTest, '404': notYours, '503': starting },
};

export const deleteTestDoc: RouteDoc = {
  operationId: 'deleteSynthTest',
  summary: 'Delete a synthetic test',
  description:
    'Agents stop running it at their next poll. Its stored results stay until retention removes them.',
  tags,
  parameters: [idParameter],
  responses: {
    '200': json(
      { type: 'object', required: ['deleted'], properties: { deleted: { type: 'string' } } },
      'Deleted',
    ),
    '404': notYours,
    '503': starting,
  },
};

export const listAgentsDoc: RouteDoc = {
  operationId: 'listSynthAgents',
  summary: 'The synthetic agents and their last status',
  description:
    'Agents are shared by the tenants (an admin approves them). Each with its approval state, when it was last heard from, how many tests it runs and its last status report (version, addresses, load, task counts, errors).',
  tags,
  responses: {
    '200': json(
      { type: 'object', required: ['agents'], properties: { agents: { type: 'array', items: agentSchema } } },
      'The agents',
    ),
    '503': starting,
  },
};

const adminOnly = errorResponse('admin_required: the user is not an admin');

export const approveAgentDoc: RouteDoc = {
  operationId: 'approveSynthAgent',
  summary: 'Approve a pending agent (admins)',
  description:
    'From then on the agent gets tasks and may send results. Approving an approved agent changes nothing.',
  tags,
  parameters: [idParameter],
  responses: {
    '200': json({ type: 'object', required: ['agent'], properties: { agent: agentSchema } }, 'The agent'),
    '403': adminOnly,
    '404': errorResponse('unknown_agent'),
    '503': starting,
  },
};

export const deleteAgentDoc: RouteDoc = {
  operationId: 'deleteSynthAgent',
  summary: 'Remove an agent (admins)',
  description:
    'Its token stops working; if it registers again it starts over (pending unless its token is pre-shared).',
  tags,
  parameters: [idParameter],
  responses: {
    '200': json(
      { type: 'object', required: ['deleted'], properties: { deleted: { type: 'string' } } },
      'Removed',
    ),
    '403': adminOnly,
    '404': errorResponse('unknown_agent'),
    '503': starting,
  },
};

const agentAnswer = {
  type: 'object',
  required: ['agent'],
  properties: {
    agent: {
      type: 'object',
      required: ['id', 'name', 'status'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        status: { type: 'string', enum: ['pending', 'approved'] },
      },
    },
  },
};

export const registerDoc: RouteDoc = {
  operationId: 'registerSynthAgent',
  summary: 'An agent registers (agents)',
  description:
    "Sent by `flowlens synth` at start with its token (Authorization: Bearer). A token of the server's synthTokens approves the agent at once (200); any other (16 characters or more) leaves it pending (202) until an admin approves it. The same token and name always get the same id, which the agent's other requests carry as ?agent=.",
  tags,
  requestBody: {
    description: "The agent's name (its host name by default), version and addresses",
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            addresses: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
  responses: {
    '200': json(agentAnswer, 'Approved: it may poll its tasks'),
    '202': json(agentAnswer, "Pending an admin's approval: register again later"),
    '400': errorResponse('bad_agent (name), bad_token (shorter than 16 characters)'),
    '429': errorResponse('too_many_agents: too many agents wait for approval'),
    '503': starting,
  },
};

const agentErrors = {
  '403': errorResponse('agent_pending: not approved yet', true),
  '503': starting,
};

export const tasksDoc: RouteDoc = {
  operationId: 'synthTasks',
  summary: "What changed in an agent's tasks (agents)",
  description:
    'The tests this agent runs that changed since the version it has: new and changed tests in tasks, deleted (or no longer its) test ids in removed; full: true when tasks is the whole list (version 0, or one the server cannot answer with changes). 304 when nothing changed.',
  tags,
  parameters: [
    agentParameter,
    {
      name: 'version',
      in: 'query',
      description: 'The version of its last answer (0 or absent: the whole list)',
      schema: { type: 'integer', minimum: 0 },
    },
  ],
  responses: {
    '200': json(
      {
        type: 'object',
        required: ['version', 'full', 'tasks', 'removed'],
        properties: {
          version: { type: 'integer' },
          full: { type: 'boolean' },
          tasks: {
            type: 'array',
            items: { type: 'object', description: 'A TestSpec (src/synth/contract.ts)' },
          },
          removed: { type: 'array', items: { type: 'string' } },
        },
      },
      'The changes',
    ),
    '304': { description: 'Nothing changed since that version' },
    '400': errorResponse('bad_version'),
    ...agentErrors,
  },
};

export const resultsDoc: RouteDoc = {
  operationId: 'synthResults',
  summary: 'Store a batch of results (agents)',
  description:
    'Gzip-compressed JSON lines (Content-Encoding: gzip): a header {"batch": {"session", "seq", "results"}} then one result per line (src/synth/contract.ts, NaN as null). Answered once durable. A batch sent again (same agent, session and seq) is acknowledged with duplicate: true and not stored twice, also across a server crash. Results of unknown tests and invalid lines are dropped and counted.',
  tags,
  parameters: [agentParameter],
  requestBody: {
    description: 'The batch, at most 64 MiB uncompressed',
    required: true,
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  },
  responses: {
    '200': json(
      {
        type: 'object',
        required: ['stored', 'duplicate', 'unknownTests', 'rejected'],
        properties: {
          stored: { type: 'integer' },
          duplicate: { type: 'boolean' },
          unknownTests: { type: 'integer' },
          rejected: { type: 'integer' },
          problem: { type: 'string', description: 'The first invalid line and why' },
        },
      },
      'Stored (durable)',
    ),
    '400': errorResponse('bad_batch: the header line is wrong; bad_body: not gzip'),
    '413': errorResponse('Over 64 MiB'),
    '507': errorResponse('store_disk_full; retry after Retry-After', true),
    ...agentErrors,
  },
};

export const statusDoc: RouteDoc = {
  operationId: 'synthStatus',
  summary: "An agent's status report (agents)",
  description:
    'Sent every 30 s: version, addresses, load, task counts, late ticks, send errors, buffered results. Shown by GET /api/v1/synth/agents.',
  tags,
  parameters: [agentParameter],
  requestBody: {
    description: 'The report (a JSON object, at most 64 KiB)',
    required: true,
    content: { 'application/json': { schema: { type: 'object' } } },
  },
  responses: {
    '200': json({ type: 'object', properties: { ok: { type: 'boolean' } } }, 'Received'),
    '400': errorResponse('bad_status: not a JSON object'),
    ...agentErrors,
  },
};
