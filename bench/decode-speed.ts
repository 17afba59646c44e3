import { createFlowBatch, createInterfaceCounterBatch } from '../src/flow/batch.js';
import { minuteOf } from '../src/ingest/context.js';
import { decodePacket } from '../src/ingest/decode.js';
import { ExporterState } from '../src/ingest/exporter.js';
import { DecodeStats } from '../src/ingest/stats.js';
import type { PreparedPackets } from './packets.js';

export interface DecodeSpeed {
  flows_per_sec: number;
  packets_per_sec: number;
  flows_per_packet: number;
  seconds: number;
  decode_errors: number;
}

/**
 * Decodes the same prepared packets over and over on this thread into one reused batch (cleared
 * whenever it is nearly full, as a sink would be handed it) for about `seconds`; reports flows/s.
 */
export function measureDecode(p: PreparedPackets, seconds: number): DecodeSpeed {
  const out = { flows: createFlowBatch(8192), counters: createInterfaceCounterBatch(1024) };
  const stats = new DecodeStats();
  const now = Date.now();
  const exporter = new ExporterState('192.0.2.1', { id: 1, name: 'bench', tenant: 'bench' });
  const ctx = { exporter, receivedAt: now, minute: minuteOf(now), stats };
  for (const t of p.templates) decodePacket(t, ctx, out);
  const limit = out.flows.capacity - 64;
  const run = (ms: number) => {
    let flows = 0;
    let packets = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < p.data.length; i++) {
        flows += decodePacket(p.data[i]!, ctx, out);
        if (out.flows.length > limit) out.flows.clear();
      }
      packets += p.data.length;
      elapsed = performance.now() - start;
    }
    out.flows.clear();
    return { flows, packets, elapsed };
  };
  run(Math.min(1000, seconds * 250)); // warm-up: let the JIT settle
  const errorsBefore = stats.totalErrors();
  const r = run(seconds * 1000);
  return {
    flows_per_sec: Math.round((r.flows / r.elapsed) * 1000),
    packets_per_sec: Math.round((r.packets / r.elapsed) * 1000),
    flows_per_packet: p.flowsPerPacket,
    seconds: Math.round(r.elapsed) / 1000,
    decode_errors: stats.totalErrors() - errorsBefore,
  };
}
