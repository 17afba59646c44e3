import { F } from '../../flow/batch.js';

/**
 * How an information element's value reaches the flow record:
 *   uint     an unsigned number stored as is (the column's typed array keeps the low bits)
 *   count    a counter, multiplied by the sampling rate
 *   v4/v6    an address of 4 / 16 bytes
 *   mac      a 6-byte MAC address
 *   secs/ms  absolute time in seconds / milliseconds since the epoch
 *   ntp      absolute time as an NTP timestamp (dateTimeMicroseconds / dateTimeNanoseconds)
 *   uptime   milliseconds since the exporter booted (v9 sysUptime, IPFIX systemInitTime)
 *   deltaUs  microseconds before the export time
 *   mpls     a 3-byte label stack entry whose top 20 bits are the label
 *   local    not a column: read into a local for sampling, IP version or system init time
 */
export type ElementKind =
  | 'uint'
  | 'count'
  | 'v4'
  | 'v6'
  | 'mac'
  | 'secs'
  | 'ms'
  | 'ntp'
  | 'uptime'
  | 'deltaUs'
  | 'mpls';

export interface ColumnElement {
  readonly column: number;
  readonly kind: ElementKind;
  /** Lower wins when several elements of a template fill the same column. */
  readonly priority: number;
}

/** Values that steer decoding rather than fill a column. */
export type LocalName =
  | 'samplingInterval'
  | 'packetInterval'
  | 'packetSpace'
  | 'samplerId'
  | 'ipVersion'
  | 'systemInitMs'
  | 'templateId';

const col = (column: number, kind: ElementKind, priority = 0): ColumnElement => ({ column, kind, priority });

/** IANA information elements (and their NetFlow v9 namesakes) that have a column. */
const ianaColumns = new Map<number, ColumnElement>([
  [1, col(F.in_bytes, 'count')],
  [2, col(F.in_pkts, 'count')],
  [85, col(F.in_bytes, 'count', 1)],
  [86, col(F.in_pkts, 'count', 1)],
  [23, col(F.out_bytes, 'count')],
  [24, col(F.out_pkts, 'count')],
  [4, col(F.protocol, 'uint')],
  [5, col(F.tos, 'uint')],
  [6, col(F.tcp_flags, 'uint')],
  [7, col(F.l4_src_port, 'uint')],
  [11, col(F.l4_dst_port, 'uint')],
  [32, col(F.l4_dst_port, 'uint', 1)],
  [139, col(F.l4_dst_port, 'uint', 1)],
  [8, col(F.src_addr, 'v4')],
  [12, col(F.dst_addr, 'v4')],
  [27, col(F.src_addr, 'v6')],
  [28, col(F.dst_addr, 'v6')],
  [9, col(F.src_route_length, 'uint')],
  [13, col(F.dst_route_length, 'uint')],
  [29, col(F.src_route_length, 'uint', 1)],
  [30, col(F.dst_route_length, 'uint', 1)],
  [10, col(F.input_port, 'uint')],
  [14, col(F.output_port, 'uint')],
  [252, col(F.input_port, 'uint', 1)],
  [253, col(F.output_port, 'uint', 1)],
  [15, col(F.ipv4_next_hop, 'v4')],
  [62, col(F.ipv4_next_hop, 'v6')],
  [18, col(F.bgp_next_hop, 'v4')],
  [63, col(F.bgp_next_hop, 'v6')],
  [16, col(F.src_as, 'uint')],
  [17, col(F.dst_as, 'uint')],
  [22, col(F.flow_start_time, 'uptime', 3)],
  [21, col(F.flow_end_time, 'uptime', 3)],
  [150, col(F.flow_start_time, 'secs', 2)],
  [151, col(F.flow_end_time, 'secs', 2)],
  [152, col(F.flow_start_time, 'ms')],
  [153, col(F.flow_end_time, 'ms')],
  [154, col(F.flow_start_time, 'ntp', 1)],
  [155, col(F.flow_end_time, 'ntp', 1)],
  [156, col(F.flow_start_time, 'ntp', 1)],
  [157, col(F.flow_end_time, 'ntp', 1)],
  [158, col(F.flow_start_time, 'deltaUs', 4)],
  [159, col(F.flow_end_time, 'deltaUs', 4)],
  [58, col(F.vlan_in, 'uint')],
  [59, col(F.vlan_out, 'uint')],
  [243, col(F.vlan_in, 'uint', 1)],
  [254, col(F.vlan_out, 'uint', 1)],
  [56, col(F.src_eth_mac, 'mac')],
  [81, col(F.src_eth_mac, 'mac', 1)],
  [80, col(F.dst_eth_mac, 'mac')],
  [57, col(F.dst_eth_mac, 'mac', 1)],
  [61, col(F.direction, 'uint')],
  [70, col(F.mpls_label, 'mpls')],
]);

const ianaLocals = new Map<number, LocalName>([
  [34, 'samplingInterval'],
  [50, 'samplingInterval'],
  [305, 'packetInterval'],
  [306, 'packetSpace'],
  [48, 'samplerId'],
  [302, 'samplerId'],
  [60, 'ipVersion'],
  [160, 'systemInitMs'],
  [145, 'templateId'],
]);

/** IPFIX reverse elements (RFC 5103): PEN 29305 with the forward element's id. */
export const REVERSE_PEN = 29305;
const reverseColumns = new Map<number, ColumnElement>([
  [1, col(F.out_bytes, 'count', 1)],
  [2, col(F.out_pkts, 'count', 1)],
]);

/** Column mapping of element `id` of enterprise `pen` (0 for IANA / NetFlow v9), if any. */
export function columnOf(id: number, pen: number): ColumnElement | undefined {
  if (pen === 0) return ianaColumns.get(id);
  if (pen === REVERSE_PEN) return reverseColumns.get(id);
  return undefined;
}

export function localOf(id: number, pen: number): LocalName | undefined {
  return pen === 0 ? ianaLocals.get(id) : undefined;
}

/** Whether a value of `length` bytes can be stored for this kind. */
export function lengthFits(kind: ElementKind, length: number): boolean {
  switch (kind) {
    case 'v4':
      return length === 4;
    case 'v6':
      return length === 16;
    case 'mac':
      return length === 6;
    case 'ntp':
      return length === 8;
    case 'mpls':
      return length === 3;
    default:
      return length >= 1 && length <= 8;
  }
}
