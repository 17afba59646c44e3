import { parsePacket } from '../../src/capture/link.js';
import { PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { readCaptureFile } from '../../src/capture/reader.js';
import { createFlowBatch, createInterfaceCounterBatch, type FlowBatch } from '../../src/flow/batch.js';
import { type DecodeTarget, minuteOf, type PacketContext } from '../../src/ingest/context.js';
import { decodePacket } from '../../src/ingest/decode.js';
import { ExporterState } from '../../src/ingest/exporter.js';
import { DecodeStats } from '../../src/ingest/stats.js';

export * from '../../src/ingest/netflow/encode.js';

/** An exporter, a context and a batch to decode hand-built packets into. */
export class Harness {
  readonly stats = new DecodeStats();
  readonly out: DecodeTarget = { flows: createFlowBatch(16), counters: createInterfaceCounterBatch(16) };
  readonly exporter: ExporterState;
  private readonly ctx: PacketContext;

  constructor(sampleRate?: number, exporter?: ExporterState) {
    this.exporter =
      exporter ?? new ExporterState('192.0.2.1', { id: 7, name: 'router', tenant: 't', sampleRate });
    const receivedAt = Date.UTC(2024, 0, 1, 12, 0, 30);
    this.ctx = { exporter: this.exporter, receivedAt, minute: minuteOf(receivedAt), stats: this.stats };
  }

  get flows(): FlowBatch {
    return this.out.flows;
  }

  decode(packet: Uint8Array): number {
    return decodePacket(packet, this.ctx, this.out);
  }

  row(i: number): Record<string, string | number> {
    return this.out.flows.rowObject(i);
  }
}

/** The UDP payloads of a capture file, in order. */
export async function capturePayloads(file: string): Promise<Uint8Array[]> {
  const info = new PacketInfo();
  const payloads: Uint8Array[] = [];
  await readCaptureFile(file, (buf, offset, length, _ts, linkType) => {
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
    payloads.push(buf.slice(info.payloadOffset, info.payloadOffset + info.payloadLength));
  });
  return payloads;
}
