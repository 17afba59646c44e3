import { MEDIA_TYPE } from '../../agent/export/batch-format.js';
import type { FlowBatch } from '../../flow/batch.js';
import type { BatchDedup } from '../batch-dedup.js';
import { readBody } from './body.js';
import { parseFlowLines } from './flow-lines.js';
import { ingestBatchBody } from './ingest-batch.js';
import {
  type AgentDevice,
  type AgentDeviceLookup,
  requestDevice,
  stampDevice,
  standaloneAgentDevices,
} from './ingest-device.js';
import { type Handler, HttpError, sendJson } from './respond.js';
import { requestTenant } from './tenant.js';

/** What the ingest endpoint needs of the server. */
export interface IngestContext {
  readonly phase: () => 'starting' | 'ready' | 'stopping';
  readonly append: (tenant: string, flows: FlowBatch) => Promise<void>;
  readonly maxBodyBytes: number;
  readonly stats: IngestStats;
  /**
   * The device of an agent named by `?device=`, registered like an exporter (the collector's
   * DeviceRegistry.agent); absent, agents get devices of a registry of their own.
   */
  readonly agentDevice?: AgentDeviceLookup | undefined;
  /** Recognizes retried batches (flowlens batch format) so they are stored once; absent, every batch is stored. */
  readonly dedup?: BatchDedup | undefined;
}

export interface IngestStats {
  requests: number;
  /** Rows acknowledged (durable). */
  rows: number;
  /** Request bodies read, in bytes (after gunzip), accepted or not. */
  bytes: number;
  /** Batches (flowlens batch format) acknowledged again without storing: retries of stored ones. */
  duplicates: number;
  /** Refused requests per error code (bad_row, body_too_large, store_disk_full, …). */
  errors: Record<string, number>;
}

export function newIngestStats(): IngestStats {
  return { requests: 0, rows: 0, bytes: 0, duplicates: 0, errors: {} };
}

/**
 * POST /api/v1/flows: JSON lines or a flowlens batch (Content-Type application/vnd.flowlens.batch)
 * in, `{"rows": n}` out once the rows are durable (the store's append resolved: that response is
 * the acknowledgement), into the authenticated user's tenant; with `?device=NAME` the rows are that
 * agent's device's. See docs/ingest-api.md and docs/agent-export.md.
 */
export function ingestFlows(ctx: IngestContext): Handler {
  const agentDevice = ctx.agentDevice ?? standaloneAgentDevices();
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
      const agent = requestDevice(req, tenant, agentDevice);
      const batchBody = mediaType(req.raw.headers['content-type']) === MEDIA_TYPE;
      const body = await readBody(req.raw, ctx.maxBodyBytes);
      ctx.stats.bytes += body.length;
      if (batchBody) {
        const appendBatch = (flows: FlowBatch) =>
          flows.length > 0 ? append(ctx, tenant, flows) : Promise.resolve();
        const result = await ingestBatchBody(
          { maxBodyBytes: ctx.maxBodyBytes, dedup: ctx.dedup, append: appendBatch },
          tenant,
          agent,
          body,
          req.receivedAt,
        );
        if (result.duplicate) ctx.stats.duplicates++;
        else ctx.stats.rows += result.rows;
        sendJson(res, 200, { ...result, ...deviceOf(agent) });
        return;
      }
      const flows = parseFlowLines(body.toString('utf8'), req.receivedAt);
      if (agent !== undefined) stampDevice(flows, agent.device, req.receivedAt, false);
      if (flows.length > 0) await append(ctx, tenant, flows);
      ctx.stats.rows += flows.length;
      if (agent !== undefined) agent.stats.flows += flows.length;
      sendJson(res, 200, { rows: flows.length, ...deviceOf(agent) });
    } catch (err) {
      const code = err instanceof HttpError ? err.code : 'internal';
      ctx.stats.errors[code] = (ctx.stats.errors[code] ?? 0) + 1;
      throw err;
    }
  };
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function deviceOf(agent: AgentDevice | undefined): { device?: { id: number; name: string } } {
  return agent === undefined ? {} : { device: { id: agent.device.id, name: agent.device.name } };
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
