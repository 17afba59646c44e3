import { protocolName } from '../capture/flow-text.js';
import { formatAddr } from '../flow/addr.js';
import { F, type FlowBatch } from '../flow/batch.js';

/** One record as an object keyed by schema column names, with only the columns that are set. */
export function recordObject(batch: FlowBatch, row: number): Record<string, string | number> {
  const all = batch.rowObject(row);
  const out: Record<string, string | number> = {};
  for (const name in all) {
    const v = all[name]!;
    if (v !== 0 && v !== '') out[name] = v;
  }
  return out;
}

function endpoint(batch: FlowBatch, column: number, row: number, port: number): string {
  const text = formatAddr(batch.arrays[column] as Uint8Array, row * 16);
  return text.includes(':') ? `[${text}]:${port}` : `${text}:${port}`;
}

const flagLetters = 'FSRPAUEC';

function flags(v: number): string {
  let s = '';
  for (let i = 0; i < 8; i++) if (v & (1 << i)) s += flagLetters[i];
  return s;
}

/**
 * One record as a line for people: start time, protocol, client → server, packets and bytes each
 * way, then whichever TCP metrics and application fields are set.
 */
export function recordLine(batch: FlowBatch, row: number): string {
  const a = batch.arrays;
  const protocol = a[F.protocol]![row]!;
  const icmp = protocol === 1 || protocol === 58;
  const dstPort = a[F.l4_dst_port]![row]!;
  const parts = [
    new Date(a[F.flow_start_time]![row]!).toISOString(),
    protocolName(protocol),
    icmp
      ? formatAddr(a[F.src_addr] as Uint8Array, row * 16)
      : endpoint(batch, F.src_addr, row, a[F.l4_src_port]![row]!),
    '→',
    icmp ? formatAddr(a[F.dst_addr] as Uint8Array, row * 16) : endpoint(batch, F.dst_addr, row, dstPort),
    ...(icmp ? [`type=${dstPort >> 8}/${dstPort & 0xff}`] : []),
    `in=${a[F.in_pkts]![row]}/${a[F.in_bytes]![row]}B`,
    `out=${a[F.out_pkts]![row]}/${a[F.out_bytes]![row]}B`,
  ];
  if (protocol === 6) parts.push(`flags=${flags(a[F.tcp_flags]![row]!)}`);
  const obj = recordObject(batch, row);
  for (const col of batch.schema) {
    if (col.source !== 'host' || obj[col.name] === undefined) continue;
    parts.push(`${col.name}=${obj[col.name]}`);
  }
  return parts.join(' ');
}
