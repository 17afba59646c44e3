import { createFlowBatch, createInterfaceCounterBatch } from '../../flow/batch.js';
import type { PacketContext } from '../context.js';
import { minuteOf } from '../context.js';
import { decodePacket } from '../decode.js';
import { ExporterState } from '../exporter.js';
import { DecodeStats } from '../stats.js';
import { dataRecord, type FieldSpec, ipfixPacket, ipv4, set, templateRecord, v9Packet } from './encode.js';

/** The benchmark's 18-field template: IPv4 5-tuple, counters, times, interfaces, AS, masks, next hop. */
function benchFields(version: 9 | 10): FieldSpec[] {
  const wide = version === 10 ? 8 : 4;
  return [
    { id: 8, length: 4 },
    { id: 12, length: 4 },
    { id: 7, length: 2 },
    { id: 11, length: 2 },
    { id: 4, length: 1 },
    { id: 6, length: 1 },
    { id: 5, length: 1 },
    { id: 1, length: wide },
    { id: 2, length: wide },
    { id: version === 10 ? 152 : 22, length: wide },
    { id: version === 10 ? 153 : 21, length: wide },
    { id: 10, length: 4 },
    { id: 14, length: 4 },
    { id: 16, length: 4 },
    { id: 17, length: 4 },
    { id: 9, length: 1 },
    { id: 13, length: 1 },
    { id: 15, length: 4 },
  ];
}

export interface BenchPackets {
  /** Packets to feed first (the template). */
  readonly setup: Uint8Array[];
  /** A data packet of `flows` records. */
  readonly data: Uint8Array;
  readonly flows: number;
}

/** A template packet and a ~1400-byte data packet for the 18-field template (v9 or IPFIX). */
export function benchPackets(version: 9 | 10): BenchPackets {
  const fields = benchFields(version);
  const recordLength = fields.reduce((n, f) => n + f.length, 0);
  const flows = Math.floor(1380 / recordLength);
  const records = [];
  for (let i = 0; i < flows; i++) {
    const t = version === 10 ? 1_700_000_000_000 + i : 1_000_000 + i;
    const values = [
      ipv4('10.0.0.1'),
      ipv4(`192.0.2.${i}`),
      40000 + i,
      443,
      6,
      0x18,
      0,
      1500 * i,
      i,
      t,
      t + 10,
      3,
      4,
      64500,
      64501,
      24,
      16,
      ipv4('10.0.0.254'),
    ];
    records.push(dataRecord(fields, values));
  }
  const header = { sequence: 1, unixSecs: 1_700_000_000, uptime: 2_000_000, exportSecs: 1_700_000_000 };
  const template = set(version === 9 ? 0 : 2, templateRecord(256, fields, version === 10));
  const data = set(256, new Uint8Array(records.flatMap((r) => [...r])));
  return version === 9
    ? { setup: [v9Packet(header, [template])], data: v9Packet(header, [data]), flows }
    : { setup: [ipfixPacket(header, [template])], data: ipfixPacket(header, [data]), flows };
}

/**
 * Decode-only loop for the benchmark: feeds `setup`, then decodes `data` `times` times into one
 * reused flow batch (cleared whenever it would grow past `batchRows`). Returns the flows decoded.
 */
export function decodeRepeatedly(
  setup: readonly Uint8Array[],
  data: Uint8Array,
  times: number,
  batchRows = 8192,
): number {
  const out = { flows: createFlowBatch(batchRows), counters: createInterfaceCounterBatch(16) };
  const exporter = new ExporterState('192.0.2.1', { id: 1, name: 'bench', tenant: 'bench' });
  const ctx: PacketContext = {
    exporter,
    receivedAt: 1_700_000_000_000,
    minute: minuteOf(1_700_000_000_000),
    stats: new DecodeStats(),
  };
  for (const packet of setup) decodePacket(packet, ctx, out);
  let flows = 0;
  for (let i = 0; i < times; i++) {
    if (out.flows.length + 1000 > batchRows) out.flows.clear();
    flows += decodePacket(data, ctx, out);
  }
  return flows;
}
