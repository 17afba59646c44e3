import { errorResponse, ref } from './openapi-schemas.js';
import type { RouteDoc } from './openapi-types.js';

/** The OpenAPI description of each route (routes.ts pairs them; openapi.ts assembles the document). */

const seedQuery =
  "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";

const ndjson = { schema: { type: 'string', description: 'JSON lines: one flow object per line' } };

const tenantParameter = {
  name: 'tenant',
  in: 'query',
  description:
    "The authenticated user's tenant (the default). Naming another tenant is refused with 403 forbidden_tenant.",
  required: false,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
} as const;

export const queryDoc: RouteDoc = {
  operationId: 'query',
  summary: 'Run one SQL statement',
  description:
    "Runs one PostgreSQL-dialect statement over the user's tenant (tables all_devices, devices and one per device) and answers its rows as JSON, or as CSV with `Accept: text/csv` or `?format=csv`. Errors carry the SQLSTATE psql would show. When the client disconnects, the query is cancelled.",
  tags: ['query'],
  parameters: [
    {
      name: 'format',
      in: 'query',
      description: 'json or csv; overrides the Accept header',
      required: false,
      schema: { type: 'string', enum: ['json', 'csv'] },
      example: 'json',
    },
  ],
  requestBody: {
    description: 'The statement and the values of its $n parameters',
    required: true,
    content: {
      'application/json': {
        schema: ref('QueryRequest'),
        examples: {
          seed: { summary: 'Top source AS numbers of the last five minutes', value: { sql: seedQuery } },
          params: {
            summary: 'A parameter: flows from one /8 in the last hour',
            value: {
              sql: "SELECT count(*) AS flows, sum(in_bytes) AS bytes FROM all_devices WHERE src_addr << $1::cidr AND i_start_time >= now() - interval '1 hour'",
              params: ['10.0.0.0/8'],
            },
          },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'The result',
      content: {
        'application/json': { schema: ref('QueryResult') },
        'text/csv': { schema: { type: 'string', description: 'RFC 4180, header row first, CRLF' } },
      },
    },
    '400': errorResponse(
      'The query is wrong (SQLSTATE classes 42, 22, 0A, 54), or the body is (bad_request)',
    ),
    '406': errorResponse('Accept names neither application/json nor text/csv'),
    '413': errorResponse('The body is over 1 MiB'),
    '429': errorResponse("A limit of the user's tenant was reached (53400); retry after Retry-After", true),
    '500': errorResponse('An internal or I/O error (XX000, XX001, 58030)'),
    '503': errorResponse('The store is starting or the server stopping; retry after Retry-After', true),
    '504': errorResponse('The query ran into its time limit and was cancelled (57014)'),
  },
};

export const ingestDoc: RouteDoc = {
  operationId: 'ingestFlows',
  summary: 'Store flows sent as JSON lines or as a flowlens batch',
  description:
    'One JSON object per line, keyed by flow column names (what `flowlens decode` prints), or one batch in the flowlens binary format (Content-Type application/vnd.flowlens.batch: columnar, zstd-compressed, checksummed; what host agents and the sender library send, docs/agent-export.md). Answers once the flows are durable; a request is stored whole or not at all. A batch retried after a lost answer is acknowledged again (duplicate: true) without being stored twice. See docs/ingest-api.md.',
  tags: ['flows'],
  parameters: [
    tenantParameter,
    {
      name: 'device',
      in: 'query',
      description:
        "The sending agent's name (its host name): the flows become that device's (i_device_id, i_device_name), registered on first use like an exporter. Required with a flowlens batch.",
      required: false,
      schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
    },
  ],
  requestBody: {
    description: 'JSON lines or a flowlens batch, optionally with Content-Encoding: gzip; at most 64 MiB',
    required: true,
    content: {
      'application/vnd.flowlens.batch': {
        schema: {
          type: 'string',
          format: 'binary',
          description: 'One FlowBatch in the flowlens batch format (docs/agent-export.md)',
        },
      },
      'application/x-ndjson': {
        ...ndjson,
        examples: {
          two: {
            summary: 'Two flows; without i_start_time they get the minute of receipt',
            value:
              '{"src_addr":"192.0.2.10","dst_addr":"198.51.100.7","l4_src_port":51514,"l4_dst_port":443,"protocol":6,"in_bytes":15000,"in_pkts":12,"src_as":64500,"dst_as":64501}\n' +
              '{"src_addr":"2001:db8::1","dst_addr":"2001:db8:1::53","l4_src_port":40000,"l4_dst_port":53,"protocol":17,"in_bytes":120,"in_pkts":1}\n',
          },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'The flows are durable',
      content: { 'application/json': { schema: ref('IngestResult') } },
    },
    '400': errorResponse(
      'A line is bad (bad_row, with error.line), a batch is bad (batch_bad_magic, batch_truncated, batch_checksum, … docs/agent-export.md), missing_device, bad_device, bad tenant name, or bad gzip',
    ),
    '403': errorResponse(
      'forbidden_tenant, or unknown_device: the device is not configured and the server does not register new ones',
    ),
    '413': errorResponse('The body is over 64 MiB, as sent or after gunzip (batch_too_large: uncompressed)'),
    '415': errorResponse('A Content-Encoding other than gzip'),
    '500': errorResponse('The store could not write'),
    '503': errorResponse('The store is starting or stopping; retry after Retry-After', true),
    '507': errorResponse('The data disk is full; nothing was stored', true),
  },
};

export const exportDoc: RouteDoc = {
  operationId: 'exportFlows',
  summary: 'The stored flows of a time range, as JSON lines',
  description:
    'Raw export for checks and debugging, in the shape POST /api/v1/flows takes; ask questions with POST /api/v1/query.',
  tags: ['flows'],
  parameters: [
    tenantParameter,
    {
      name: 'from',
      in: 'query',
      description: 'Start (inclusive): ms since the epoch or ISO 8601; default the beginning',
      schema: { type: 'string' },
      example: '2026-01-05T10:00:00Z',
    },
    {
      name: 'to',
      in: 'query',
      description: 'End (exclusive): ms since the epoch or ISO 8601; default a day from now',
      schema: { type: 'string' },
      example: '2026-01-05T11:00:00Z',
    },
    {
      name: 'limit',
      in: 'query',
      description: 'At most this many flows (default and maximum 1000000)',
      schema: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      example: 1000,
    },
  ],
  responses: {
    '200': {
      description: 'The flows, one JSON object per line',
      content: { 'application/x-ndjson': ndjson },
    },
    '400': errorResponse('A bad from/to or tenant name'),
    '500': errorResponse('A segment is corrupt (corrupt_segment: quarantined, retry to read the rest)'),
    '503': errorResponse('The store is starting; retry after Retry-After', true),
  },
};

export const statusDoc: RouteDoc = {
  operationId: 'status',
  summary: 'Server phase and counters',
  description:
    "Phase (starting, ready, stopping), version, uptime, WAL replay progress, and the counters of the store, collector, ingest and query APIs. Holds no flow data, so it needs no credentials; the collector's device list (names, exporter addresses) shows every tenant's devices to a client on this machine or an admin, the caller's own tenant's to other users, and none without credentials (refused exporters: their count only).",
  tags: ['server'],
  responses: {
    '200': { description: 'The status', content: { 'application/json': { schema: ref('Status') } } },
  },
};

export const openApiDoc: RouteDoc = {
  operationId: 'openapi',
  summary: 'This description of the API (OpenAPI 3.1)',
  description: 'Served without credentials, for tools that generate clients or documentation.',
  tags: ['server'],
  responses: {
    '200': {
      description: 'The OpenAPI document',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
  },
};
