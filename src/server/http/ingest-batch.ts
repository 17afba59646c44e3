import { decodeFlowBatch } from '../../agent/export/batch-decode.js';
import { BatchFormatError, type BatchHeader } from '../../agent/export/batch-format.js';
import type { FlowBatch } from '../../flow/batch.js';
import type { BatchDedup } from '../batch-dedup.js';
import { type AgentDevice, stampDevice } from './ingest-device.js';
import { HttpError } from './respond.js';

export interface BatchIngest {
  readonly maxBodyBytes: number;
  readonly dedup?: BatchDedup | undefined;
  /** Stores a batch; resolves once it is durable. */
  readonly append: (flows: FlowBatch) => Promise<void>;
}

export interface BatchResult {
  readonly rows: number;
  /** True when the batch had been stored already (a retry whose first answer was lost). */
  readonly duplicate: boolean;
}

/**
 * A body in the flowlens batch format (application/vnd.flowlens.batch, docs/agent-export.md):
 * decoded and checked whole (a bad one is refused with its batch_* code and nothing of it is
 * stored), made the agent's, stored once per sender session and sequence number.
 */
export async function ingestBatchBody(
  ctx: BatchIngest,
  tenant: string,
  agent: AgentDevice | undefined,
  body: Buffer,
  receivedAt: number,
): Promise<BatchResult> {
  if (agent === undefined)
    throw new HttpError(
      400,
      'missing_device',
      'a flowlens batch needs ?device=NAME: the name of the agent sending it (its host name)',
    );
  let header: BatchHeader;
  let batch: FlowBatch;
  try {
    ({ header, batch } = decodeFlowBatch(body, { maxRawBytes: ctx.maxBodyBytes }));
  } catch (err) {
    if (!(err instanceof BatchFormatError)) throw err;
    const status = err.code === 'batch_too_large' ? 413 : 400;
    throw new HttpError(status, err.code, `${err.message}; nothing of this request was stored`);
  }
  stampDevice(batch, agent.device, receivedAt, true);
  const key = `${tenant}/${agent.device.id}`;
  const stored = await (ctx.dedup?.once(key, header.session, header.seq, () => ctx.append(batch)) ??
    ctx.append(batch).then(() => true));
  if (stored) {
    agent.stats.flows += batch.length;
    agent.stats.bytes += body.length;
    agent.stats.lastSeen = receivedAt;
  }
  return { rows: batch.length, duplicate: !stored };
}
