import type { StorageBackend } from '../../store/backend.js';
import { exportFlows } from './export.js';
import { type IngestContext, ingestFlows } from './ingest.js';
import { type Handler, HttpError } from './respond.js';
import { serveStatus } from './status.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** Exact path, e.g. /api/v1/flows. */
  readonly path: string;
  readonly handler: Handler;
}

export interface ApiContext {
  readonly ingest: IngestContext;
  readonly store: Pick<StorageBackend, 'jobs' | 'read'>;
  readonly status: () => unknown;
}

/** Every route of the HTTP API: one line each. */
export function apiRoutes(ctx: ApiContext): Route[] {
  return [
    { method: 'POST', path: '/api/v1/flows', handler: ingestFlows(ctx.ingest) },
    { method: 'GET', path: '/api/v1/flows', handler: whenReady(ctx, exportFlows(ctx.store)) },
    { method: 'GET', path: '/api/v1/status', handler: serveStatus(ctx.status) },
  ];
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
