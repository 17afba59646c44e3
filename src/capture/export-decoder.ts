import type { DecodeTarget, PacketContext } from '../ingest/context.js';
import { minuteOf } from '../ingest/context.js';
import { decodePacket } from '../ingest/decode.js';
import { ExporterState } from '../ingest/exporter.js';
import type { DecodeStats } from '../ingest/stats.js';
import { addressText, ipv4Number } from './address.js';
import { parsePacket } from './link.js';
import { MessageStream, type StreamProblem } from './message-stream.js';
import { IpProtocol, PacketInfo, Parsed, packetSkipReasons } from './packet-info.js';

/** Why a captured packet was not decoded as an export packet: bounded, for the summary. */
export const exportSkipReasons = [
  ...packetSkipReasons.slice(1),
  'not_udp_tcp', // ICMP and other protocols
  'other_port', // not to the port given with --port
  'tcp_not_ipfix', // a TCP stream that does not carry IPFIX messages
  'tcp_gap', // TCP bytes missing: the stream resynchronises at the next message
  'tcp_bad_message', // an IPFIX-over-TCP message header that cannot be right
] as const;

export type ExportSkipReason = (typeof exportSkipReasons)[number];

const skipIndex = Object.fromEntries(exportSkipReasons.map((r, i) => [r, i])) as Record<
  ExportSkipReason,
  number
>;
const problemReason: Record<StreamProblem, ExportSkipReason> = {
  not_ipfix: 'tcp_not_ipfix',
  gap: 'tcp_gap',
  bad_message: 'tcp_bad_message',
};

export interface ExportDecoderConfig {
  /** Only packets to this UDP/TCP destination port; undefined: any port. */
  readonly port: number | undefined;
  readonly tenant: string;
}

/** Called after each export message is decoded, with what it appended to the target. */
export type DecodedHandler = (exporter: ExporterState, receivedAt: number, flows: number) => void;

interface MutableContext {
  exporter: ExporterState;
  receivedAt: number;
  minute: number;
  stats: DecodeStats;
}

const TCP_SYN = 0x02;
const TCP_FIN = 0x01;
const TCP_RST = 0x04;

/**
 * Feeds the export packets of a capture to the flow decoders, as the collector would have
 * received them: UDP payloads one by one, IPFIX over TCP reassembled into messages. Each source
 * address becomes an exporter with a device (ids 1, 2, … in order of appearance); templates are
 * learned across everything fed to one instance; the receive time is the capture time.
 */
export class ExportDecoder {
  readonly skipped = new Float64Array(exportSkipReasons.length);
  private readonly info = new PacketInfo();
  private readonly exportersV4 = new Map<number, ExporterState>();
  private readonly exportersV6 = new Map<string, ExporterState>();
  private readonly streams = new Map<string, MessageStream>();
  private readonly ctx: MutableContext;
  private nextDeviceId = 1;

  constructor(
    private readonly out: DecodeTarget,
    stats: DecodeStats,
    private readonly onDecoded: DecodedHandler,
    private readonly config: ExportDecoderConfig,
  ) {
    this.ctx = { exporter: undefined as unknown as ExporterState, receivedAt: 0, minute: 0, stats };
  }

  /** A `PacketHandler` for the capture reader. */
  readonly handlePacket = (
    buf: Uint8Array,
    offset: number,
    length: number,
    timestampMs: number,
    linkType: number,
  ): void => {
    const info = this.info;
    const status = parsePacket(buf, offset, length, linkType, info);
    if (status !== Parsed.ok) {
      this.skipped[status - 1]!++;
      return;
    }
    if (info.protocol !== IpProtocol.UDP && info.protocol !== IpProtocol.TCP) {
      this.skip('not_udp_tcp');
      return;
    }
    if (this.config.port !== undefined && info.dstPort !== this.config.port) {
      this.skip('other_port');
      return;
    }
    const receivedAt = Math.floor(timestampMs);
    if (info.protocol === IpProtocol.UDP) {
      this.decode(buf, info.payloadOffset, info.payloadLength, receivedAt);
      return;
    }
    this.tcpSegment(buf, receivedAt);
  };

  /** Exporters seen so far, in order of appearance. */
  exporters(): ExporterState[] {
    return [...this.exportersV4.values(), ...this.exportersV6.values()].sort(
      (a, b) => a.device.id - b.device.id,
    );
  }

  skippedCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    exportSkipReasons.forEach((r, i) => {
      if (this.skipped[i]! > 0) out[r] = this.skipped[i]!;
    });
    return out;
  }

  private skip(reason: ExportSkipReason): void {
    this.skipped[skipIndex[reason]]!++;
  }

  private tcpSegment(buf: Uint8Array, receivedAt: number): void {
    const info = this.info;
    const key = `${addressText(buf, info.srcAddrOffset, info.ipVersion === 4 ? 4 : 16)} ${info.srcPort} ${addressText(buf, info.dstAddrOffset, info.ipVersion === 4 ? 4 : 16)} ${info.dstPort}`;
    let stream = this.streams.get(key);
    if (info.tcpFlags & TCP_SYN) {
      stream ??= new MessageStream();
      this.streams.set(key, stream);
      stream.syn(info.tcpSeq);
      return;
    }
    if (info.payloadLength > 0) {
      if (stream === undefined) {
        stream = new MessageStream();
        this.streams.set(key, stream);
      }
      // Messages complete synchronously, while `info` still describes this segment.
      const problem = stream.push(info.tcpSeq, buf, info.payloadOffset, info.payloadLength, (m, o, n) =>
        this.decodeFor(this.exporterOf(buf), m, o, n, receivedAt),
      );
      if (problem !== undefined) this.skip(problemReason[problem]);
    }
    if (info.tcpFlags & (TCP_FIN | TCP_RST)) this.streams.delete(key);
  }

  private decode(buf: Uint8Array, offset: number, length: number, receivedAt: number): void {
    this.decodeFor(this.exporterOf(buf), buf, offset, length, receivedAt);
  }

  private decodeFor(
    exporter: ExporterState,
    buf: Uint8Array,
    offset: number,
    length: number,
    receivedAt: number,
  ): void {
    const ctx = this.ctx;
    ctx.exporter = exporter;
    ctx.receivedAt = receivedAt;
    ctx.minute = minuteOf(receivedAt);
    const flows = decodePacket(buf.subarray(offset, offset + length), ctx as PacketContext, this.out);
    this.onDecoded(exporter, receivedAt, flows);
  }

  private exporterOf(buf: Uint8Array): ExporterState {
    const info = this.info;
    if (info.ipVersion === 4) {
      const key = ipv4Number(buf, info.srcAddrOffset);
      let exporter = this.exportersV4.get(key);
      if (exporter === undefined) {
        exporter = this.newExporter(addressText(buf, info.srcAddrOffset, 4));
        this.exportersV4.set(key, exporter);
      }
      return exporter;
    }
    const address = addressText(buf, info.srcAddrOffset, 16);
    let exporter = this.exportersV6.get(address);
    if (exporter === undefined) {
      exporter = this.newExporter(address);
      this.exportersV6.set(address, exporter);
    }
    return exporter;
  }

  private newExporter(address: string): ExporterState {
    const id = this.nextDeviceId++;
    return new ExporterState(address, { id, name: address, tenant: this.config.tenant });
  }
}
