import assert from 'node:assert/strict';
import { formatAddr } from '../../src/flow/addr.js';
import { createFlowBatch, createInterfaceCounterBatch, type FlowBatch } from '../../src/flow/batch.js';
import type { FlowColumnName } from '../../src/flow/schema.js';
import { minuteOf } from '../../src/ingest/context.js';
import { decodePacket } from '../../src/ingest/decode.js';
import type { ExportFlow } from '../../src/ingest/export/index.js';
import { ExporterState } from '../../src/ingest/exporter.js';
import { DecodeStats } from '../../src/ingest/stats.js';
import { EXPORTER, NOW } from './capture.js';

/** Decodes datagrams in order with one exporter, as the collector would. */
export function decodeAll(packets: readonly Uint8Array[]): {
  batch: FlowBatch;
  stats: DecodeStats;
  exporter: ExporterState;
} {
  const out = { flows: createFlowBatch(), counters: createInterfaceCounterBatch() };
  const stats = new DecodeStats();
  const exporter = new ExporterState(EXPORTER, { id: 1, name: 'r1', tenant: 'test' });
  const ctx = { exporter, receivedAt: NOW, minute: minuteOf(NOW), stats };
  for (const p of packets) decodePacket(p, ctx, out);
  return { batch: out.flows, stats, exporter };
}

type Expect = (f: ExportFlow) => number | string;

/** Checks that row i of the batch carries what flow i was encoded with, column by column. */
export function expectRows(
  batch: FlowBatch,
  flows: readonly ExportFlow[],
  columns: Partial<Record<FlowColumnName, Expect>>,
  tolerance: Partial<Record<FlowColumnName, number>> = {},
): void {
  assert.equal(batch.length, flows.length, 'decoded rows');
  for (const [name, expect] of Object.entries(columns) as [FlowColumnName, Expect][]) {
    const col = batch.index[name];
    const type = batch.schema[col]!.type;
    flows.forEach((f, row) => {
      const want = expect(f);
      const got =
        type === 'addr'
          ? formatAddr(batch.arrays[col] as Uint8Array, row * 16)
          : type === 'string'
            ? batch.getString(name, row)
            : batch.arrays[col]![row]!;
      const tol = tolerance[name];
      if (tol !== undefined && typeof got === 'number' && typeof want === 'number')
        assert.ok(Math.abs(got - want) <= tol, `${name}[${row}]: decoded ${got}, encoded ${want} (± ${tol})`);
      else assert.equal(got, want, `${name}[${row}]`);
    });
  }
}

const text = (a: Uint8Array) => formatAddr(a, 0);

/** Columns every protocol carries, with the flow value scaled by the sampling rate. */
export function commonColumns(rate: number): Partial<Record<FlowColumnName, Expect>> {
  return {
    src_addr: (f) => text(f.srcAddr),
    dst_addr: (f) => text(f.dstAddr),
    ipv4_next_hop: (f) => text(f.nextHop),
    l4_src_port: (f) => f.srcPort,
    l4_dst_port: (f) => f.dstPort,
    protocol: (f) => f.protocol,
    input_port: (f) => f.inputIf,
    output_port: (f) => f.outputIf,
    src_route_length: (f) => f.srcMask,
    dst_route_length: (f) => f.dstMask,
    sample_rate: () => rate,
    i_device_id: () => 1,
    ip_version: (f) => f.ipVersion,
  };
}
