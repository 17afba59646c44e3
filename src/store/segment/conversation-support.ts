import { writeIPv4 } from '../../flow/addr.js';
import { ColumnBatch } from '../../flow/batch.js';
import { type ColumnDef, flowColumns } from '../../flow/schema.js';
import type { SegmentPartInput } from './types.js';

/**
 * Test rows shaped like router flows, so that the version 4 features all apply: conversations
 * that repeat (leaders and repeats), hosts on both sides (a shared address dictionary), AS
 * numbers and prefix lengths that follow the address (keyed tables, one shared by src_as and
 * dst_as), IPv6 rows, a dominant ToS (SPARSE) and flow times over a minute (PATCHED).
 */
const names = [
  'i_start_time',
  'i_device_id',
  'flow_start_time',
  'flow_end_time',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'tos',
  'in_bytes',
  'src_as',
  'dst_as',
  'src_route_length',
  'dst_route_length',
  'ipv4_next_hop',
  'i_device_name',
];
export const conversationSchema: readonly ColumnDef[] = names.map(
  (n) => flowColumns.find((c) => c.name === n)!,
);

export const CONVERSATION_MINUTE = Date.UTC(2026, 0, 5, 0, 10);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** `rows` rows over devices 1 and 2, a third of them repeating an earlier conversation. */
export function conversationBatch(rows: number, seed = 1): ColumnBatch<string> {
  const next = rng(seed);
  const b = new ColumnBatch<string>(conversationSchema, rows);
  b.reserve(rows);
  const col = (name: string) => b.arrays[b.index[name]!]!;
  const hosts = 60;
  const host = (h: number, out: Uint8Array, r: number) => {
    if (h % 9 === 8) for (let k = 0; k < 16; k++) out[r * 16 + k] = k === 0 ? 0x20 : (h * 37 + k * 11) & 0xff;
    else writeIPv4(out, r, (0x0a000000 + h * 0x1000 + (h % 7)) >>> 0);
  };
  // An address's AS and prefix length, whatever side it is on.
  const asOf = (h: number) => 64_500 + (h % 11) * 17;
  const lenOf = (h: number) => 16 + (h % 9);
  const past: number[][] = [];
  for (let r = 0; r < rows; r++) {
    let conv: number[];
    if (past.length > 0 && next() < 0.33) conv = past[Math.floor(next() * past.length)]!;
    else {
      const a = Math.floor(next() * hosts);
      let z = Math.floor(next() * hosts);
      if ((z % 9 === 8) !== (a % 9 === 8))
        z = a % 9 === 8 ? 8 + 9 * Math.floor(z / 9) : z - (z % 9 === 8 ? 1 : 0);
      conv = [
        a,
        z,
        1024 + Math.floor(next() * 60_000),
        [443, 80, 53][Math.floor(next() * 3)]!,
        next() < 0.8 ? 6 : 17,
        next() < 0.9 ? 0 : 0x28,
        1 + Math.floor(next() * 2),
      ];
      past.push(conv);
    }
    const [a, z, sport, dport, proto, tos, device] = conv as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    col('i_start_time')[r] = CONVERSATION_MINUTE;
    col('i_device_id')[r] = device;
    b.setString('i_device_name', r, `edge-${device}`);
    host(a, col('src_addr') as Uint8Array, r);
    host(z, col('dst_addr') as Uint8Array, r);
    writeIPv4(col('ipv4_next_hop') as Uint8Array, r, 0xc0000201 + (a % 3));
    col('l4_src_port')[r] = sport;
    col('l4_dst_port')[r] = dport;
    col('protocol')[r] = proto;
    col('tos')[r] = tos;
    col('src_as')[r] = asOf(a);
    col('dst_as')[r] = asOf(z);
    col('src_route_length')[r] = lenOf(a);
    col('dst_route_length')[r] = lenOf(z);
    col('in_bytes')[r] = 40 + Math.floor(next() * 1460) * (1 + (r % 3));
    const end = CONVERSATION_MINUTE - 16_000 + Math.floor(next() * 61_000) + (r % 301 === 0 ? 14_000 : 0);
    col('flow_end_time')[r] = end;
    col('flow_start_time')[r] = end - (next() < 0.85 ? 0 : Math.floor(next() * 60_000));
  }
  b.length = rows;
  return b;
}

/** One part per device of a conversation batch. */
export function conversationParts(batch: ColumnBatch<string>): SegmentPartInput[] {
  const devices = batch.arrays[batch.index.i_device_id!]!;
  return [1, 2].map((deviceId) => ({
    bucket: CONVERSATION_MINUTE,
    deviceId,
    batch,
    rows: Uint32Array.from({ length: batch.length }, (_, i) => i).filter((i) => devices[i] === deviceId),
  }));
}
