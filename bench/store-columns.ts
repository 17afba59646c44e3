import type { FlowColumnName } from '../src/flow/schema.js';

/**
 * The standard router-flow columns: what a NetFlow/IPFIX router flow fills, plus the collector's
 * minute and device. Density is measured on exactly these, in flowlens and in ClickHouse; the
 * scan reads exactly these. `ch` is the equivalent ClickHouse 18.16 type: no IPv6 or DateTime64
 * there, so addresses are FixedString(16) (flowlens's 16-byte form) and millisecond times UInt64.
 */
export const standardColumns: readonly { name: FlowColumnName; ch: string }[] = [
  { name: 'i_start_time', ch: 'DateTime' },
  { name: 'i_device_id', ch: 'UInt32' },
  { name: 'src_addr', ch: 'FixedString(16)' },
  { name: 'dst_addr', ch: 'FixedString(16)' },
  { name: 'l4_src_port', ch: 'UInt16' },
  { name: 'l4_dst_port', ch: 'UInt16' },
  { name: 'protocol', ch: 'UInt8' },
  { name: 'tcp_flags', ch: 'UInt8' },
  { name: 'tos', ch: 'UInt8' },
  { name: 'in_bytes', ch: 'UInt64' },
  { name: 'in_pkts', ch: 'UInt64' },
  { name: 'input_port', ch: 'UInt32' },
  { name: 'output_port', ch: 'UInt32' },
  { name: 'src_as', ch: 'UInt32' },
  { name: 'dst_as', ch: 'UInt32' },
  { name: 'src_route_length', ch: 'UInt8' },
  { name: 'dst_route_length', ch: 'UInt8' },
  { name: 'ipv4_next_hop', ch: 'FixedString(16)' },
  { name: 'sample_rate', ch: 'UInt32' },
  { name: 'flow_start_time', ch: 'UInt64' },
  { name: 'flow_end_time', ch: 'UInt64' },
];

export const standardColumnNames: readonly FlowColumnName[] = standardColumns.map((c) => c.name);
