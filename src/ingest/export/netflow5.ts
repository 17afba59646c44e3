import type { ExportFlow } from './flow.js';
import { ipv4Of } from './flow.js';

export interface Netflow5EncoderConfig {
  engineType: number;
  engineId: number;
  /** Sampling interval (1-in-N; 0 or 1 = unsampled), written in the header's low 14 bits. */
  samplingInterval: number;
  /** Sampling mode (top 2 bits of the header's sampling field; 1 = deterministic). */
  samplingMode: number;
  /** When the exporter booted (ms since epoch): the base of sysUptime and First/Last. */
  bootMs: number;
}

export const defaultNetflow5EncoderConfig: Netflow5EncoderConfig = {
  engineType: 0,
  engineId: 0,
  samplingInterval: 0,
  samplingMode: 0,
  bootMs: 0,
};

export const NETFLOW5_HEADER = 24;
export const NETFLOW5_RECORD = 48;
export const NETFLOW5_MAX_RECORDS = 30;
/** What a 16-bit AS field carries for a 32-bit AS number (RFC 6793). */
export const AS_TRANS = 23456;

/**
 * Builds NetFlow v5 packets: a 24-byte header and up to 30 records of 48 bytes. The sequence
 * number is the count of flows this engine exported before the packet. IPv4 only: IPv6 flows
 * cannot be expressed and are skipped by the caller's choice of flows.
 */
export class Netflow5Encoder {
  readonly config: Netflow5EncoderConfig;
  /** Flows sent before the next packet: its sequence number. */
  sequence = 0;

  constructor(config: Partial<Netflow5EncoderConfig> = {}) {
    this.config = { ...defaultNetflow5EncoderConfig, ...config };
  }

  /**
   * Encodes flows[start..start+count) (at most 30) into `out` as one packet exported at
   * `nowMs`; returns the packet length in bytes.
   */
  encode(out: Buffer, flows: readonly ExportFlow[], start: number, count: number, nowMs: number): number {
    const n = Math.min(
      count,
      NETFLOW5_MAX_RECORDS,
      Math.floor((out.length - NETFLOW5_HEADER) / NETFLOW5_RECORD),
    );
    const c = this.config;
    out.writeUInt16BE(5, 0);
    out.writeUInt16BE(n, 2);
    out.writeUInt32BE((nowMs - c.bootMs) >>> 0, 4);
    out.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 8);
    out.writeUInt32BE((nowMs % 1000) * 1_000_000, 12);
    out.writeUInt32BE(this.sequence, 16);
    out[20] = c.engineType;
    out[21] = c.engineId;
    out.writeUInt16BE(((c.samplingMode & 3) << 14) | (c.samplingInterval & 0x3fff), 22);
    let o = NETFLOW5_HEADER;
    for (let i = 0; i < n; i++, o += NETFLOW5_RECORD) {
      const f = flows[start + i]!;
      out.writeUInt32BE(ipv4Of(f.srcAddr), o);
      out.writeUInt32BE(ipv4Of(f.dstAddr), o + 4);
      out.writeUInt32BE(ipv4Of(f.nextHop), o + 8);
      out.writeUInt16BE(f.inputIf & 0xffff, o + 12);
      out.writeUInt16BE(f.outputIf & 0xffff, o + 14);
      out.writeUInt32BE(f.packets >>> 0, o + 16);
      out.writeUInt32BE(f.bytes >>> 0, o + 20);
      out.writeUInt32BE((f.startMs - c.bootMs) >>> 0, o + 24);
      out.writeUInt32BE((f.endMs - c.bootMs) >>> 0, o + 28);
      out.writeUInt16BE(f.srcPort, o + 32);
      out.writeUInt16BE(f.dstPort, o + 34);
      out[o + 36] = 0;
      out[o + 37] = f.tcpFlags;
      out[o + 38] = f.protocol;
      out[o + 39] = f.tos;
      out.writeUInt16BE(f.srcAs > 0xffff ? AS_TRANS : f.srcAs, o + 40);
      out.writeUInt16BE(f.dstAs > 0xffff ? AS_TRANS : f.dstAs, o + 42);
      out[o + 44] = f.srcMask;
      out[o + 45] = f.dstMask;
      out.writeUInt16BE(0, o + 46);
    }
    this.sequence = (this.sequence + n) >>> 0;
    return o;
  }
}
