import { errorResponse, schemas } from './openapi-schemas.js';
import type { ResponseDoc } from './openapi-types.js';
import { type Handler, sendJson } from './respond.js';
import type { Route } from './routes.js';

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table itself (each route carries
 * its doc), so a route cannot exist undocumented or be documented without existing.
 */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { operationId, summary, description, tags, parameters, requestBody, responses } = route.doc;
    const authed = route.auth === 'user';
    const all: Record<string, ResponseDoc> = { ...responses };
    if (authed || route.auth === 'agent') {
      all['401'] ??= {
        ...errorResponse('No credentials (28000) or wrong ones (28P01)'),
        headers: {
          'WWW-Authenticate': {
            description: 'Basic realm="flowlens", charset="UTF-8"',
            schema: { type: 'string' },
          },
        },
      };
      if (parameters?.some((p) => p.name === 'tenant'))
        all['403'] ??= errorResponse("?tenant= names a tenant other than the user's (forbidden_tenant)");
    }
    all['405'] ??= errorResponse('Another method than the ones this path accepts (see Allow)');
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId,
      summary,
      description,
      tags,
      ...(parameters === undefined ? {} : { parameters }),
      ...(requestBody === undefined ? {} : { requestBody }),
      responses: Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b))),
      security: authed ? [{ basic: [] }, { bearer: [] }] : route.auth === 'agent' ? [{ synthAgent: [] }] : [],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'flowlens HTTP API',
      version,
      description:
        'Flow ingest and export, server status, and SQL queries over stored flows. Every route except status and this document needs credentials of a configured user: HTTP Basic, or a Bearer token. See docs/rest.md and docs/ingest-api.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'this server' }],
    tags: [
      { name: 'query', description: 'SQL over the stored flows' },
      { name: 'flows', description: 'Flow ingest and raw export' },
      { name: 'server', description: 'Status and API description' },
      {
        name: 'synth',
        description: 'Synthetic monitoring: tests, agents, their tasks and results (docs/synth.md)',
      },
    ],
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'A configured user name and password' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A configured token (config key "tokens")' },
        synthAgent: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A synthetic agent\'s token (config key "synthTokens", or one an admin approved) with ?agent=ID from its registration',
        },
      },
      schemas,
    },
    paths,
  };
}

/** GET /api/v1/openapi.json. The document is built once, on first request. */
export function serveOpenApi(routes: () => readonly Route[], version: string): Handler {
  let text: unknown;
  return (_req, res) => {
    text ??= openApiDocument(routes(), version);
    sendJson(res, 200, text);
  };
}
