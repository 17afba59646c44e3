/**
 * The flow record: every column flowlens knows, listed once. Decoders, the columnar batch, the
 * store's segment format, SQL validation, the ClickHouse DDL and the portal's dimension picker all
 * derive from this list. Names follow Kentik's kflow so that its documented queries run unchanged.
 *
 * Physical types:
 *   u8/u16/u32  unsigned integers in Uint8Array/Uint16Array/Uint32Array
 *   u64         counters in a Float64Array: exact up to 2^53 (9 PB of bytes in one flow record)
 *   time        milliseconds since the Unix epoch, in a Float64Array
 *   addr        IPv4 or IPv6 in one logical type: 16 bytes per row, IPv4 stored IPv4-mapped
 *               (::ffff:a.b.c.d); all zeroes means "no address"
 *   mac         a 48-bit MAC address as a number in a Float64Array
 *   string      a code into the batch's per-column dictionary (code 0 is the empty string)
 *
 * Zero (or the empty string) means "not reported": every column is zero unless a decoder wrote it.
 */
export type ColumnType = 'u8' | 'u16' | 'u32' | 'u64' | 'time' | 'addr' | 'mac' | 'string';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
  /** Which producers fill it: routers (flow exports), the host agent, or the collector itself. */
  readonly source: 'collector' | 'router' | 'host';
  /**
   * Role in the hourly and daily rollups: a dimension kept as is, or a measure summed. Columns
   * without a role (addresses, ports, times, host metrics) are not in the rollups.
   */
  readonly rollup?: 'dimension' | 'measure';
}

const c = (
  name: string,
  type: ColumnType,
  source: ColumnDef['source'],
  description: string,
  rollup?: ColumnDef['rollup'],
): ColumnDef =>
  rollup === undefined ? { name, type, source, description } : { name, type, source, description, rollup };

export const flowColumns = [
  // Set by flowlens when the flow is received.
  c('i_start_time', 'time', 'collector', 'Start of the minute in which the collector received the flow'),
  c(
    'i_device_id',
    'u32',
    'collector',
    'Id of the device (exporter or host agent) that sent the flow',
    'dimension',
  ),
  c('i_device_name', 'string', 'collector', 'Name of that device', 'dimension'),
  c('sample_rate', 'u32', 'collector', 'Sampling rate applied by the exporter (1 = unsampled)'),
  // Router flow fields (NetFlow v5/v9, IPFIX, sFlow).
  c('flow_start_time', 'time', 'router', "Exporter's start time of the flow"),
  c('flow_end_time', 'time', 'router', "Exporter's end time of the flow"),
  c('src_addr', 'addr', 'router', 'Source IP address'),
  c('dst_addr', 'addr', 'router', 'Destination IP address'),
  c('l4_src_port', 'u16', 'router', 'Source TCP/UDP port'),
  c('l4_dst_port', 'u16', 'router', 'Destination TCP/UDP port; ICMP type * 256 + code for ICMP'),
  c('protocol', 'u8', 'router', 'IP protocol number', 'dimension'),
  c('tcp_flags', 'u8', 'router', 'Cumulative OR of the TCP flags'),
  c('tos', 'u8', 'router', 'IP type of service / traffic class byte', 'dimension'),
  c('in_bytes', 'u64', 'router', 'Bytes in the flow, multiplied by the sampling rate', 'measure'),
  c('in_pkts', 'u64', 'router', 'Packets in the flow, multiplied by the sampling rate', 'measure'),
  c(
    'out_bytes',
    'u64',
    'router',
    'Bytes in the reverse direction, multiplied by the sampling rate',
    'measure',
  ),
  c(
    'out_pkts',
    'u64',
    'router',
    'Packets in the reverse direction, multiplied by the sampling rate',
    'measure',
  ),
  c('input_port', 'u32', 'router', 'SNMP index of the input interface', 'dimension'),
  c('output_port', 'u32', 'router', 'SNMP index of the output interface', 'dimension'),
  c('vlan_in', 'u16', 'router', 'VLAN id on the input side', 'dimension'),
  c('vlan_out', 'u16', 'router', 'VLAN id on the output side', 'dimension'),
  c('src_as', 'u32', 'router', 'Source autonomous system number', 'dimension'),
  c('dst_as', 'u32', 'router', 'Destination autonomous system number', 'dimension'),
  c('src_route_length', 'u8', 'router', 'Prefix length of the source route (source mask)'),
  c('dst_route_length', 'u8', 'router', 'Prefix length of the destination route (destination mask)'),
  c('ipv4_next_hop', 'addr', 'router', 'IP next hop (IPv4 or IPv6)'),
  c('bgp_next_hop', 'addr', 'router', 'BGP next hop (IPv4 or IPv6)'),
  c('src_eth_mac', 'mac', 'router', 'Source MAC address'),
  c('dst_eth_mac', 'mac', 'router', 'Destination MAC address'),
  c('direction', 'u8', 'router', 'Flow direction as exported: 0 ingress, 1 egress', 'dimension'),
  c('ip_version', 'u8', 'router', 'IP version of the flow (4 or 6)', 'dimension'),
  c('mpls_label', 'u32', 'router', 'Top MPLS label (20 bits)'),
  c('src_geo', 'string', 'router', 'Country code of the source address', 'dimension'),
  c('dst_geo', 'string', 'router', 'Country code of the destination address', 'dimension'),
  // Host agent fields (flowlens agent).
  c('client_nw_latency_ms', 'u32', 'host', 'Client network latency from the TCP handshake (ACK - SYN/ACK)'),
  c('server_nw_latency_ms', 'u32', 'host', 'Server network latency from the TCP handshake (SYN/ACK - SYN)'),
  c('appl_latency_ms', 'u32', 'host', 'Application latency: request to first response byte'),
  c('retransmitted_in_pkts', 'u32', 'host', 'Retransmitted packets towards the host'),
  c('retransmitted_out_pkts', 'u32', 'host', 'Retransmitted packets from the host'),
  c('repeated_retransmits', 'u32', 'host', 'Segments retransmitted more than once'),
  c('ooorder_in_pkts', 'u32', 'host', 'Out-of-order packets towards the host'),
  c('ooorder_out_pkts', 'u32', 'host', 'Out-of-order packets from the host'),
  c('zero_window', 'u32', 'host', 'Zero-window events'),
  c('receive_window', 'u32', 'host', 'Last advertised receive window (scaled)'),
  c('fragments', 'u32', 'host', 'IP fragments seen'),
  c('app_protocol', 'string', 'host', 'Application protocol (dns, http, dhcp, tls)', 'dimension'),
  c('dns_query', 'string', 'host', 'DNS query name'),
  c('dns_query_type', 'u16', 'host', 'DNS query type'),
  c('dns_return_code', 'u8', 'host', 'DNS response code'),
  c('dns_answers', 'string', 'host', 'DNS answers, comma separated'),
  c('http_method', 'string', 'host', 'HTTP request method'),
  c('http_host', 'string', 'host', 'HTTP Host header'),
  c('http_url', 'string', 'host', 'HTTP request URL, query values redacted'),
  c('http_status', 'u16', 'host', 'HTTP response status'),
  c('http_ua', 'string', 'host', 'HTTP User-Agent'),
  c('http_referer', 'string', 'host', 'HTTP Referer'),
  c('dhcp_op', 'u8', 'host', 'DHCP op (1 request, 2 reply)'),
  c('dhcp_msg_type', 'u8', 'host', 'DHCP message type option'),
  c('dhcp_client_mac', 'mac', 'host', 'DHCP client hardware address'),
  c('dhcp_ciaddr', 'addr', 'host', 'DHCP client IP address'),
  c('dhcp_yiaddr', 'addr', 'host', 'DHCP "your" IP address'),
  c('dhcp_siaddr', 'addr', 'host', 'DHCP server IP address'),
  c('dhcp_lease_time', 'u32', 'host', 'DHCP lease time in seconds'),
  c('dhcp_host_name', 'string', 'host', 'DHCP host name option'),
  c('dhcp_domain', 'string', 'host', 'DHCP domain name option'),
  c('tls_server_name', 'string', 'host', 'TLS SNI server name'),
  c('tls_version', 'u16', 'host', 'TLS version negotiated'),
  c('tls_cipher', 'u16', 'host', 'TLS cipher suite selected'),
] as const satisfies readonly ColumnDef[];

export type FlowColumnName = (typeof flowColumns)[number]['name'];

/** The columns of the hourly and daily rollup tables: the rollup dimensions and measures, plus `flow_count`. */
export const rollupColumns: readonly ColumnDef[] = [
  c('i_start_time', 'time', 'collector', 'Start of the hour or day of the rollup row', 'dimension'),
  ...flowColumns.filter((col) => 'rollup' in col && col.name !== 'i_start_time'),
  c('flow_count', 'u64', 'collector', 'Number of flow records summed into the rollup row', 'measure'),
];

/** sFlow counter samples and similar interface statistics: one row per interface per report. */
export const interfaceCounterColumns = [
  c('i_start_time', 'time', 'collector', 'Start of the minute in which the collector received the counters'),
  c('i_device_id', 'u32', 'collector', 'Id of the device that sent the counters'),
  c('i_device_name', 'string', 'collector', 'Name of that device'),
  c('if_index', 'u32', 'router', 'SNMP interface index'),
  c('if_type', 'u32', 'router', 'Interface type (IANA ifType)'),
  c('if_speed', 'u64', 'router', 'Interface speed in bits per second'),
  c('if_direction', 'u8', 'router', 'Duplex: 0 unknown, 1 full, 2 half, 3 in, 4 out'),
  c('if_status', 'u8', 'router', 'Bit 0 admin up, bit 1 operationally up'),
  c('if_in_octets', 'u64', 'router', 'Octets received'),
  c('if_in_ucast_pkts', 'u64', 'router', 'Unicast packets received'),
  c('if_in_mcast_pkts', 'u64', 'router', 'Multicast packets received'),
  c('if_in_bcast_pkts', 'u64', 'router', 'Broadcast packets received'),
  c('if_in_discards', 'u64', 'router', 'Inbound packets discarded'),
  c('if_in_errors', 'u64', 'router', 'Inbound packets with errors'),
  c('if_in_unknown_protos', 'u64', 'router', 'Inbound packets of unknown protocols'),
  c('if_out_octets', 'u64', 'router', 'Octets sent'),
  c('if_out_ucast_pkts', 'u64', 'router', 'Unicast packets sent'),
  c('if_out_mcast_pkts', 'u64', 'router', 'Multicast packets sent'),
  c('if_out_bcast_pkts', 'u64', 'router', 'Broadcast packets sent'),
  c('if_out_discards', 'u64', 'router', 'Outbound packets discarded'),
  c('if_out_errors', 'u64', 'router', 'Outbound packets with errors'),
  c('if_promiscuous', 'u8', 'router', 'Promiscuous mode (1 true)'),
] as const satisfies readonly ColumnDef[];

export type InterfaceCounterColumnName = (typeof interfaceCounterColumns)[number]['name'];

export function columnIndex(columns: readonly ColumnDef[], name: string): number {
  const i = columns.findIndex((col) => col.name === name);
  if (i < 0) throw new Error(`unknown column ${name}`);
  return i;
}
