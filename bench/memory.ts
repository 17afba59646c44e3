import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFlowBatch, createInterfaceCounterBatch } from '../src/flow/batch.js';
import { minuteOf } from '../src/ingest/context.js';
import { decodePacket } from '../src/ingest/decode.js';
import { Netflow9Encoder } from '../src/ingest/export/index.js';
import { ExporterState } from '../src/ingest/exporter.js';
import { DecodeStats } from '../src/ingest/stats.js';
import { BOOT_MS, netflow9Packets } from './packets.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

export interface MemoryFigures {
  exporters_measured: number;
  /** Heap per exporter that has learned a NetFlow v9 IPv4 + IPv6 template and sampling options. */
  bytes_per_exporter_with_templates: number;
  /** Flow batch bytes for 1 M rows of the whole flow schema (every column allocated). */
  bytes_per_1m_flows_full_schema: number;
  /** Bytes for 1 M rows of only the columns a NetFlow v9 router flow writes. */
  bytes_per_1m_flows_v9_columns: number;
  v9_columns: string[];
}

/** Heap per exporter with templates, and batch bytes per million buffered flows. */
export function measureMemory(exporters = 2000): MemoryFigures {
  const now = Date.now();
  const enc = new Netflow9Encoder({ sourceId: 1, bootMs: BOOT_MS });
  const buf = Buffer.alloc(1500);
  enc.start(buf, now);
  enc.addTemplates();
  enc.addOptionsTemplates();
  enc.addSampling(1000);
  const templates = Buffer.from(buf.subarray(0, enc.finish()));
  const out = { flows: createFlowBatch(16), counters: createInterfaceCounterBatch(16) };
  const stats = new DecodeStats();
  const keep: ExporterState[] = [];
  const before = heapUsed();
  for (let i = 0; i < exporters; i++) {
    const exporter = new ExporterState(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, {
      id: i + 1,
      name: `router-${i}`,
      tenant: 'bench',
    });
    decodePacket(templates, { exporter, receivedAt: now, minute: minuteOf(now), stats }, out);
    keep.push(exporter);
  }
  const perExporter = (heapUsed() - before) / exporters;

  const full = createFlowBatch(16);
  const bytesPerRow = full.arrays.reduce((n, a) => n + a.byteLength, 0) / full.capacity;
  // Which columns a v9 flow of the 18-field template fills: the non-zero ones after decoding.
  const p = netflow9Packets(4, now);
  const ctx = { exporter: keep[0]!, receivedAt: now, minute: minuteOf(now), stats };
  const probe = { flows: createFlowBatch(1024), counters: createInterfaceCounterBatch(16) };
  for (const t of p.templates) decodePacket(t, ctx, probe);
  for (const d of p.data) decodePacket(d, ctx, probe);
  const used: string[] = [];
  let usedBytesPerRow = 0;
  probe.flows.schema.forEach((col, i) => {
    const a = probe.flows.arrays[i]!;
    const width = col.type === 'addr' ? 16 : 1;
    if (a.subarray(0, probe.flows.length * width).some((v) => v !== 0)) {
      used.push(col.name);
      usedBytesPerRow += (a.byteLength / probe.flows.capacity) | 0;
    }
  });
  return {
    exporters_measured: exporters,
    bytes_per_exporter_with_templates: Math.round(perExporter),
    bytes_per_1m_flows_full_schema: Math.round(bytesPerRow * 1e6),
    bytes_per_1m_flows_v9_columns: usedBytesPerRow * 1e6,
    v9_columns: used,
  };
}
