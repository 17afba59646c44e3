import { formatAddr, isZeroAddr } from '../flow/addr.js';
import { F, type FlowBatch, IC, type InterfaceCounterBatch } from '../flow/batch.js';

const protocolNames: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

export function protocolName(protocol: number): string {
  return protocolNames[protocol] ?? String(protocol);
}

function endpoint(addr: Uint8Array, row: number, port: number): string {
  if (isZeroAddr(addr, row * 16)) return `-:${port}`;
  const text = formatAddr(addr, row * 16);
  return text.includes(':') ? `[${text}]:${port}` : `${text}:${port}`;
}

function time(ms: number): string {
  return ms === 0 ? '-' : new Date(ms).toISOString();
}

/**
 * One flow as a compact line for people: time (the exporter's start time, else the minute it was
 * received), exporter, protocol, source → destination, packets, bytes, sampling rate.
 */
export function flowLine(b: FlowBatch, row: number): string {
  const a = b.arrays;
  const start = a[F.flow_start_time]![row]!;
  return [
    time(start !== 0 ? start : a[F.i_start_time]![row]!),
    b.getString('i_device_name', row),
    protocolName(a[F.protocol]![row]!),
    endpoint(a[F.src_addr] as Uint8Array, row, a[F.l4_src_port]![row]!),
    '→',
    endpoint(a[F.dst_addr] as Uint8Array, row, a[F.l4_dst_port]![row]!),
    `pkts=${a[F.in_pkts]![row]}`,
    `bytes=${a[F.in_bytes]![row]}`,
    `rate=${a[F.sample_rate]![row]}`,
  ].join(' ');
}

/** One interface counter row as a compact line. */
export function counterLine(b: InterfaceCounterBatch, row: number): string {
  const a = b.arrays;
  return [
    time(a[IC.i_start_time]![row]!),
    b.getString('i_device_name', row),
    `counters if=${a[IC.if_index]![row]}`,
    `speed=${a[IC.if_speed]![row]}`,
    `in_octets=${a[IC.if_in_octets]![row]}`,
    `in_pkts=${a[IC.if_in_ucast_pkts]![row]}`,
    `out_octets=${a[IC.if_out_octets]![row]}`,
    `out_pkts=${a[IC.if_out_ucast_pkts]![row]}`,
    `in_errors=${a[IC.if_in_errors]![row]}`,
    `out_errors=${a[IC.if_out_errors]![row]}`,
  ].join(' ');
}
