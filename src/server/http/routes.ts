import type { CollectorStats } from '../../ingest/collector-stats.js';
import type { Registry } from '../../metrics/registry.js';
import type { StorageBackend } from '../../store/backend.js';
import { synthRoutes } from '../../synth/server/routes.js';
import type { SynthService } from '../../synth/server/synth-service.js';
import type { Users } from '../auth/users.js';
import { authenticate } from './auth.js';
import { devicesDoc, serveDevices } from './devices.js';
import { exportFlows } from './export.js';
import { type IngestContext, ingestFlows } from './ingest.js';
import { metricsDoc, serveMetrics } from './metrics.js';
import { serveOpenApi } from './openapi.js';
import type { RouteDoc } from './openapi-types.js';
import { type QueryContext, queryHandler } from './query.js';
import { type Handler, HttpError } from './respond.js';
import { exportDoc, ingestDoc, openApiDoc, queryDoc, statusDoc } from './route-docs.js';
import { type StatusViewer, serveStatus } from './status.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** Exact path, e.g. /api/v1/flows. */
  readonly path: string;
  /**
   * 'user': the request must carry a configured user's credentials (HTTP Basic or Bearer);
   * 'agent': a synthetic agent's token, checked by the handler (src/synth/server/agent-auth.ts).
   */
  readonly auth: 'user' | 'agent' | 'none';
  /** Its OpenAPI description (GET /api/v1/openapi.json is built from these). */
  readonly doc: RouteDoc;
  readonly handler: Handler;
}

/**
 * A path and everything under it, served by one handler that dispatches on the method itself: the
 * operations endpoints (/healthz, /debug/…, docs/operations.md), which are not API routes and not
 * in the OpenAPI document.
 */
export interface Mount {
  readonly path: string;
  readonly handler: Handler;
}

export interface ApiContext {
  readonly ingest: IngestContext;
  readonly query: QueryContext;
  readonly store: Pick<StorageBackend, 'jobs' | 'read'>;
  readonly users: Users;
  /** The status document, as the viewer may see it (status.ts). */
  readonly status: (viewer: StatusViewer) => unknown;
  /** The process's metrics, served at GET /metrics. */
  readonly metrics: Registry;
  /** The server's version, in the OpenAPI document. */
  readonly version: string;
  /** Synthetic monitoring's tests, agents and results (docs/synth.md); its routes are left out without it. */
  readonly synth?: SynthService | undefined;
  /** The collector's per-device counters (GET /api/v1/devices); the route is left out without them. */
  readonly devices?: (() => Pick<CollectorStats, 'devices' | 'uptimeMs'>) | undefined;
}

/** Every route of the HTTP API: one line each. */
export function apiRoutes(ctx: ApiContext): Route[] {
  const routes: Route[] = [
    route(
      'POST',
      '/api/v1/query',
      'user',
      queryDoc,
      whenReady(ctx, queryHandler({ isAdmin: (user) => ctx.users.isAdmin(user), ...ctx.query })),
    ),
    route('POST', '/api/v1/flows', 'user', ingestDoc, ingestFlows(ctx.ingest)),
    route('GET', '/api/v1/flows', 'user', exportDoc, whenReady(ctx, exportFlows(ctx.store))),
    route('GET', '/api/v1/status', 'none', statusDoc, serveStatus(ctx.status, ctx.users)),
    route('GET', '/metrics', 'none', metricsDoc, serveMetrics(ctx.metrics)),
    ...(ctx.synth === undefined ? [] : synthRoutes({ service: ctx.synth, users: ctx.users })),
    ...(ctx.devices === undefined
      ? []
      : [route('GET', '/api/v1/devices', 'user', devicesDoc, serveDevices(ctx.devices))]),
    route(
      'GET',
      '/api/v1/openapi.json',
      'none',
      openApiDoc,
      serveOpenApi(() => routes, ctx.version),
    ),
  ];
  return routes.map((r) => (r.auth === 'user' ? { ...r, handler: authenticated(ctx.users, r.handler) } : r));
}

function route(method: Method, path: string, auth: Route['auth'], doc: RouteDoc, handler: Handler): Route {
  return { method, path, auth, doc, handler };
}

/** Checks the credentials first (401 before anything else), then runs the handler as that user. */
function authenticated(users: Users, handler: Handler): Handler {
  return (req, res) =>
    handler({ ...req, principal: authenticate(req.raw.headers.authorization, users) }, res);
}

/** 503 until the store has started (its WAL replayed), for routes that read it. */
function whenReady(ctx: ApiContext, handler: Handler): Handler {
  return (req, res) => {
    if (ctx.ingest.phase() === 'starting')
      throw new HttpError(
        503,
        'store_starting',
        'the store is starting; retry shortly',
        {},
        { 'retry-after': '1' },
      );
    return handler(req, res);
  };
}
