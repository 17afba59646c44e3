/**
 * The host agent's internal contract (issue 6): how the flow table, the TCP tracker and the
 * application decoders meet. Packets are parsed in place by src/capture (PacketInfo: offsets into
 * the capture buffer); the flow table finds the packet's flow slot and direction, then hands the
 * same buffer and offsets to the TCP tracker and to the flow's application decoder. Nothing here
 * copies packet bytes; decoders copy only the field values they emit.
 */

import type { CaptureSummary, PacketHandler } from '../capture/reader.js';
import type { FlowBatch } from '../flow/batch.js';

/** Direction of a packet within its flow: from the client (the side that opened it) or the server. */
export const Dir = { FromClient: 0, FromServer: 1 } as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

/** One packet's TCP header fields and payload, as the flow table passes them on. Reused. */
export interface TcpSegment {
  /** Capture time in ms (fractional: microsecond precision). */
  timeMs: number;
  dir: Dir;
  seq: number;
  ack: number;
  /** TCP flags byte (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128). */
  flags: number;
  /** Raw window field (unscaled). */
  window: number;
  /** Window scale option of a SYN (shift count), -1 when absent or not a SYN. */
  windowScale: number;
  /** TCP payload length in the packet as sent (IP length minus headers), even when the capture cut it. */
  payloadLength: number;
}

/**
 * The per-flow TCP metrics, Kentik host-agent names (src/flow/schema.ts). All integers; latencies
 * in whole milliseconds, 0 when unknown. A record is written from the client's side: src = client,
 * dst = server, and as for router flows in_* counts src→dst (client→server: towards the host when
 * the agent runs on a server, the usual case) and out_* dst→src. The tracker counts per Dir.
 */
export interface TcpMetrics {
  clientNwLatencyMs: number;
  serverNwLatencyMs: number;
  applLatencyMs: number;
  /** Indexed by Dir. */
  retransmits: [number, number];
  repeatedRetransmits: number;
  outOfOrder: [number, number];
  zeroWindow: number;
  /** Last advertised receive window of each direction, scaled by the SYN's window scale. */
  receiveWindow: [number, number];
}

/**
 * TCP analysis per flow slot, state in typed arrays indexed by slot (no object per flow). The
 * flow table calls `open(slot)` when a slot gets a new flow, `segment(slot, s)` per TCP packet,
 * `read(slot, out)` when it exports the flow (the metrics accumulated since the last export are
 * reported, then the counters restart; handshake and application latency are reported once).
 */
export interface TcpTracker {
  open(slot: number): void;
  segment(slot: number, s: TcpSegment): void;
  read(slot: number, out: TcpMetrics): void;
}

/** Where an application decoder writes the fields it found, for the flow's next exported record. */
export interface AppFieldSink {
  /** String columns: app_protocol, dns_query, dns_answers, http_*, dhcp_host_name, dhcp_domain, tls_server_name. */
  setString(column: string, value: string): void;
  /**
   * A string column's value as bytes, `buf[start..end)` decoded as UTF-8 (app/latin1.ts `text`):
   * the same as `setString(column, text(buf, start, end))`, for a sink that keeps the bytes and
   * makes the string only when the record is written (decoders call it through `setText` there).
   */
  setText?(column: string, buf: Uint8Array, start: number, end: number): void;
  /** Numeric columns: dns_query_type, dns_return_code, http_status, dhcp_*, tls_version, tls_cipher, appl_latency_ms… */
  setNumber(column: string, value: number): void;
  /** Address columns (dhcp_ciaddr, …): 4 (IPv4) or 16 bytes at `offset` of `buf`. */
  setAddress(column: string, buf: Uint8Array, offset: number, length: 4 | 16): void;
}

/** The payload of one packet of a flow, by reference into the capture buffer. */
export interface AppPayload {
  buf: Uint8Array;
  /** Payload start and end (end cut by the snap length: `end - start` may be below `wireLength`). */
  start: number;
  end: number;
  /** Payload length as sent. */
  wireLength: number;
  timeMs: number;
  dir: Dir;
  transport: 'tcp' | 'udp';
  /** TCP only: the segment's sequence number (decoders that reassemble use it). */
  seq: number;
  /**
   * TCP only, for the decoder to set (the flow table sets it false before each call): true says
   * the decoder needs none of this direction's bytes before sequence number `skipUntil` (a body
   * it only counts off). The flow table then does not call it for this direction's segments that
   * end at or before that point; the decoder sees those bytes as missing before its next segment
   * (as it would a loss), so it must be able to count them off the same way.
   */
  skipping?: boolean;
  skipUntil?: number;
}

/**
 * An application-protocol decoder. The flow table picks one per flow by port (and content where
 * ports lie) and keeps the state `newState()` made for that flow; `payload` is called for every
 * packet with a payload, in capture order. Decoders never throw on bad input: they count a reason
 * in `errors` and ignore the rest of that message.
 */
export interface AppDecoder<S> {
  readonly protocol: 'dns' | 'http' | 'dhcp' | 'tls';
  /** Whether a flow with these ports (either side) is this protocol. */
  matchesPorts(clientPort: number, serverPort: number, transport: 'tcp' | 'udp'): boolean;
  newState(): S;
  /**
   * Decodes one payload. Returning `false` says the flow has nothing more for this decoder until
   * its record is exported (a TLS flow whose hellos were read): the flow table then skips its
   * payloads until after the next `exported`. Any other return keeps them coming.
   */
  payload(state: S, p: AppPayload, out: AppFieldSink): unknown;
  /**
   * Content detection where the ports matched no decoder: the flow table offers a TCP or UDP
   * flow's first client payload to each decoder that has this, in order; the first to return true
   * decodes the flow from that payload on. Flows nobody claims then are not offered again.
   */
  matchesContent?(p: AppPayload): boolean;
  /** Called after each record of the flow was exported: what the next record should carry. */
  exported?(state: S): void;
  /** Error counts by stable reason, e.g. { truncated: 3, bad_label: 1 }. */
  readonly errors: Readonly<Record<string, number>>;
}

/**
 * Where the agent's flow records go (stdout as JSON lines, the exporter to a flowlens server, a
 * test). `write` is called with a batch of records in the flow schema (src/flow/schema.ts) when
 * the batch is full and when the pipeline flushes; the batch is cleared and reused as soon as
 * `write` returns, so a sink encodes or copies what it keeps before returning.
 */
export interface FlowRecordSink {
  write(batch: FlowBatch): void;
}

/**
 * Where packets come from: a capture file, a pipe from a capture subprocess. `read` calls the
 * handler for each packet until the source ends (or the handler returns false) and resolves the
 * source's own summary (its CaptureStats hold the capture-level error counts).
 */
export interface PacketSource {
  read(onPacket: PacketHandler): Promise<CaptureSummary>;
}
