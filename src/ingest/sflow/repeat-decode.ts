import { createFlowBatch, createInterfaceCounterBatch } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';
import { minuteOf } from '../context.js';
import { ExporterState } from '../exporter.js';
import { DecodeStats } from '../stats.js';
import { decodeSflow } from './sflow.js';

/** Batches are cleared when they reach this many rows, as the ingest pipeline hands them on. */
const BATCH_ROWS = 8192;

/**
 * Decodes one sFlow datagram `times` times, as the decode-only benchmark does, into a reused
 * target (cleared whenever it fills). Returns the number of flows decoded in total.
 */
export function decodeSflowRepeatedly(
  datagram: Uint8Array,
  times: number,
  out: DecodeTarget = { flows: createFlowBatch(BATCH_ROWS), counters: createInterfaceCounterBatch() },
): number {
  const receivedAt = Date.now();
  const ctx: PacketContext = {
    exporter: new ExporterState('192.0.2.1', { id: 1, name: 'bench', tenant: 'default' }),
    receivedAt,
    minute: minuteOf(receivedAt),
    stats: new DecodeStats(),
  };
  let flows = 0;
  for (let i = 0; i < times; i++) {
    if (out.flows.length >= BATCH_ROWS) out.flows.clear();
    if (out.counters.length >= BATCH_ROWS) out.counters.clear();
    flows += decodeSflow(datagram, ctx, out);
  }
  return flows;
}
