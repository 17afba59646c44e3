import { createFlowBatch, createInterfaceCounterBatch } from '../../src/flow/batch.js';
import type { DecodeTarget, PacketContext } from '../../src/ingest/context.js';
import type { Device } from '../../src/ingest/device.js';
import { ExporterState } from '../../src/ingest/exporter.js';
import { DecodeStats } from '../../src/ingest/stats.js';

export const RECEIVED = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A fresh exporter (device 3, "sw1"), decode context and small batches for decoder unit tests. */
export function sflowSetup(device: Partial<Device> = {}): {
  ctx: PacketContext;
  out: DecodeTarget;
  stats: DecodeStats;
} {
  const stats = new DecodeStats();
  const exporter = new ExporterState('192.0.2.1', { id: 3, name: 'sw1', tenant: 't', ...device });
  const ctx = { exporter, receivedAt: RECEIVED, minute: RECEIVED - (RECEIVED % 60_000), stats };
  return { ctx, out: { flows: createFlowBatch(16), counters: createInterfaceCounterBatch(16) }, stats };
}
