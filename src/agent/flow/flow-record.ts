import { IpProtocol } from '../../capture/packet-info.js';
import { F, type FlowBatch } from '../../flow/batch.js';
import { Dir, type TcpMetrics } from '../contract.js';
import type { AppFields } from './app-fields.js';
import { META_V6, metaProtocol, metaVlan } from './flow-key.js';
import { type FlowState, H_BYTES, H_END, H_PACKETS, H_START, HOT } from './flow-state.js';
import { type FlowTable, K_CLIENT, K_SERVER, KEY_WORDS } from './flow-table.js';

export const MINUTE_MS = 60_000;

/** The columns every record writes (touched once per batch). */
const written = [
  F.i_start_time,
  F.sample_rate,
  F.flow_start_time,
  F.flow_end_time,
  F.src_addr,
  F.dst_addr,
  F.l4_src_port,
  F.l4_dst_port,
  F.protocol,
  F.tcp_flags,
  F.tos,
  F.in_bytes,
  F.in_pkts,
  F.out_bytes,
  F.out_pkts,
  F.vlan_in,
  F.vlan_out,
  F.ip_version,
  F.fragments,
];

const tcpColumns = [
  F.client_nw_latency_ms,
  F.server_nw_latency_ms,
  F.appl_latency_ms,
  F.retransmitted_in_pkts,
  F.retransmitted_out_pkts,
  F.repeated_retransmits,
  F.ooorder_in_pkts,
  F.ooorder_out_pkts,
  F.zero_window,
  F.receive_window,
];

export function newTcpMetrics(): TcpMetrics {
  return {
    clientNwLatencyMs: 0,
    serverNwLatencyMs: 0,
    applLatencyMs: 0,
    retransmits: [0, 0],
    repeatedRetransmits: 0,
    outOfOrder: [0, 0],
    zeroWindow: 0,
    receiveWindow: [0, 0],
  };
}

function writeAddr(col: Uint8Array, row: number, words: Uint32Array, at: number, v6: boolean): void {
  const o = row * 16;
  if (v6) {
    for (let k = 0; k < 4; k++) {
      const w = words[at + k]!;
      col[o + k * 4] = w >>> 24;
      col[o + k * 4 + 1] = (w >>> 16) & 0xff;
      col[o + k * 4 + 2] = (w >>> 8) & 0xff;
      col[o + k * 4 + 3] = w & 0xff;
    }
    return;
  }
  const w = words[at]!;
  col[o + 10] = col[o + 11] = 0xff;
  col[o + 12] = w >>> 24;
  col[o + 13] = (w >>> 16) & 0xff;
  col[o + 14] = (w >>> 8) & 0xff;
  col[o + 15] = w & 0xff;
}

/**
 * Appends slot `s`'s record to `batch`, from the client's side: src = client, dst = server,
 * in_* client → server, out_* server → client. `tcp` holds the tracker's metrics for TCP flows
 * (undefined otherwise); the application fields go last, and an application latency from a
 * decoder wins over the tracker's.
 */
export function writeFlowRecord(
  batch: FlowBatch,
  table: FlowTable,
  state: FlowState,
  s: number,
  tcp: TcpMetrics | undefined,
  app: AppFields,
): void {
  batch.reserve(1);
  const row = batch.length;
  const a = batch.arrays;
  // Touched flags last until the batch is cleared, which empties it.
  if (row === 0) {
    batch.touchAll(written);
    batch.touchAll(tcpColumns);
  }
  const meta = table.meta(s);
  const ports = table.ports(s);
  const h = s * HOT;
  const v6 = (meta & META_V6) !== 0;
  const protocol = metaProtocol(meta);
  const start = state.hot[h + H_START]!;
  a[F.i_start_time]![row] = Math.floor(start / MINUTE_MS) * MINUTE_MS;
  a[F.sample_rate]![row] = 1;
  // Whole milliseconds, as the schema's times are (capture timestamps have microseconds).
  a[F.flow_start_time]![row] = Math.floor(start);
  a[F.flow_end_time]![row] = Math.floor(state.hot[h + H_END]!);
  writeAddr(a[F.src_addr] as Uint8Array, row, table.keys, s * KEY_WORDS + K_CLIENT, v6);
  writeAddr(a[F.dst_addr] as Uint8Array, row, table.keys, s * KEY_WORDS + K_SERVER, v6);
  if (protocol === IpProtocol.ICMP || protocol === IpProtocol.ICMPV6) {
    a[F.l4_dst_port]![row] = state.icmpPort(s);
  } else {
    a[F.l4_src_port]![row] = ports >>> 16;
    a[F.l4_dst_port]![row] = ports & 0xffff;
  }
  a[F.protocol]![row] = protocol;
  a[F.tcp_flags]![row] = state.tcpFlags(s);
  a[F.tos]![row] = state.tos(s);
  a[F.in_bytes]![row] = state.hot[h + H_BYTES + Dir.FromClient]!;
  a[F.in_pkts]![row] = state.hot[h + H_PACKETS + Dir.FromClient]!;
  a[F.out_bytes]![row] = state.hot[h + H_BYTES + Dir.FromServer]!;
  a[F.out_pkts]![row] = state.hot[h + H_PACKETS + Dir.FromServer]!;
  a[F.vlan_in]![row] = a[F.vlan_out]![row] = metaVlan(meta);
  a[F.ip_version]![row] = v6 ? 6 : 4;
  a[F.fragments]![row] = state.fragments(s);
  if (tcp !== undefined) {
    a[F.client_nw_latency_ms]![row] = tcp.clientNwLatencyMs;
    a[F.server_nw_latency_ms]![row] = tcp.serverNwLatencyMs;
    a[F.appl_latency_ms]![row] = tcp.applLatencyMs;
    a[F.retransmitted_in_pkts]![row] = tcp.retransmits[Dir.FromClient];
    a[F.retransmitted_out_pkts]![row] = tcp.retransmits[Dir.FromServer];
    a[F.repeated_retransmits]![row] = tcp.repeatedRetransmits;
    a[F.ooorder_in_pkts]![row] = tcp.outOfOrder[Dir.FromClient];
    a[F.ooorder_out_pkts]![row] = tcp.outOfOrder[Dir.FromServer];
    a[F.zero_window]![row] = tcp.zeroWindow;
    // The host's (server's) advertised window; the client's when the server sent none.
    const server = tcp.receiveWindow[Dir.FromServer];
    a[F.receive_window]![row] = server !== 0 ? server : tcp.receiveWindow[Dir.FromClient];
  }
  app.write(s, batch, row);
  batch.length = row + 1;
}
