import { sqlTypeOid } from '../../query/sql-types.js';
import type { JsonSchema, ResponseDoc } from './openapi-types.js';

/** Reusable schemas of the OpenAPI document (components.schemas). */
export const schemas: Readonly<Record<string, JsonSchema>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            description:
              'A PostgreSQL SQLSTATE for query and authentication errors (42P01, 28P01, 53400, …), a word for the API own errors (bad_request, body_too_large, …)',
          },
          message: { type: 'string' },
          position: { type: 'integer', description: '1-based character position in the SQL text' },
          detail: { type: 'string' },
          hint: { type: 'string' },
        },
        additionalProperties: true,
      },
    },
  },
  QueryRequest: {
    type: 'object',
    required: ['sql'],
    additionalProperties: false,
    properties: {
      sql: { type: 'string', description: 'One SQL statement (PostgreSQL dialect)' },
      params: {
        type: 'array',
        description: 'Values of $1, $2, …; big integers are best sent as strings',
        items: { type: ['string', 'number', 'boolean', 'null'] },
      },
    },
  },
  QueryResult: {
    type: 'object',
    required: ['fields', 'command', 'stats', 'rows'],
    properties: {
      fields: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'type'],
          properties: {
            name: { type: 'string' },
            type: { type: 'string', enum: Object.keys(sqlTypeOid) },
          },
        },
      },
      command: { type: 'string', description: "PostgreSQL's command tag, e.g. SELECT 10" },
      stats: {
        type: ['object', 'null'],
        description: 'jobs, memoHits, rowsScanned, resolution, elapsedMs',
      },
      rows: {
        type: 'array',
        description:
          'One array per row, cells in field order: int8/numeric past 2^53 as strings, timestamptz as ISO 8601 strings, NaN/Infinity as strings',
        items: { type: 'array', items: { type: ['null', 'boolean', 'number', 'string'] } },
      },
    },
  },
  IngestResult: {
    type: 'object',
    required: ['rows'],
    properties: {
      rows: { type: 'integer', description: 'Flows stored (durable)' },
      duplicate: {
        type: 'boolean',
        description:
          'flowlens batches: true when the batch had been stored already (a retry), and is not stored again',
      },
      device: {
        type: 'object',
        description: 'With ?device=: the device the flows were stored as',
        properties: { id: { type: 'integer' }, name: { type: 'string' } },
      },
    },
  },
  Status: {
    type: 'object',
    required: ['phase'],
    properties: { phase: { type: 'string', enum: ['starting', 'ready', 'stopping'] } },
    additionalProperties: true,
  },
};

export const ref = (name: keyof typeof schemas & string): JsonSchema => ({
  $ref: `#/components/schemas/${name}`,
});

/** An error response in the common `{"error": {…}}` shape. */
export function errorResponse(description: string, retryAfter = false): ResponseDoc {
  return {
    description,
    ...(retryAfter
      ? {
          headers: {
            'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
          },
        }
      : {}),
    content: { 'application/json': { schema: ref('Error') } },
  };
}
