import type { FlowBatch } from '../../flow/batch.js';
import { readBody } from './body.js';
import { parseFlowLines } from './flow-lines.js';
import { type Handler, HttpError, sendJson } from './respond.js';
import { requestTenant } from './tenant.js';

/** What the ingest endpoint needs of the server. */
export interface IngestContext {
  readonly phase: () => 'starting' | 'ready' | 'stopping';
  readonly append: (tenant: string, flows: FlowBatch) => Promise<void>;
  readonly maxBodyBytes: number;
  readonly stats: IngestStats;
}

export interface IngestStats {
  requests: number;
  /** Rows acknowledged (durable). */
  rows: number;
  /** Request bodies read, in bytes (after gunzip), accepted or not. */
  bytes: number;
  /** Refused requests per error code (bad_row, body_too_large, store_disk_full, …). */
  errors: Record<string, number>;
}

export function newIngestStats(): IngestStats {
  return { requests: 0, rows: 0, bytes: 0, errors: {} };
}

/**
 * POST /api/v1/flows: JSON lines in, `{"rows": n}` out once the rows are durable (the store's
 * append resolved: that response is the acknowledgement), into the authenticated user's tenant.
 * See docs/ingest-api.md.
 */
export function ingestFlows(ctx: IngestContext): Handler {
  return async (req, res) => {
    ctx.stats.requests++;
    try {
      const phase = ctx.phase();
      if (phase !== 'ready')
        throw new HttpError(
          503,
          phase === 'starting' ? 'store_starting' : 'server_stopping',
          phase === 'starting'
            ? 'the store is starting (replaying its write-ahead log); retry shortly'
            : 'the server is stopping; retry against the restarted server',
          {},
          { 'retry-after': '1' },
        );
      const tenant = requestTenant(req);
      const body = await readBody(req.raw, ctx.maxBodyBytes);
      ctx.stats.bytes += body.length;
      const flows = parseFlowLines(body.toString('utf8'), req.receivedAt);
      if (flows.length > 0) await append(ctx, tenant, flows);
      ctx.stats.rows += flows.length;
      sendJson(res, 200, { rows: flows.length });
    } catch (err) {
      const code = err instanceof HttpError ? err.code : 'internal';
      ctx.stats.errors[code] = (ctx.stats.errors[code] ?? 0) + 1;
      throw err;
    }
  };
}

async function append(ctx: IngestContext, tenant: string, flows: FlowBatch): Promise<void> {
  try {
    await ctx.append(tenant, flows);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = (err as Error).message;
    // The store logs these itself, at a limited rate; here they only become responses.
    if (code === 'store_disk_full') throw new HttpError(507, code, message, {}, { 'retry-after': '10' });
    if (code === 'store_stopped') throw new HttpError(503, code, message, {}, { 'retry-after': '1' });
    throw new HttpError(500, 'store_write_failed', message);
  }
}
