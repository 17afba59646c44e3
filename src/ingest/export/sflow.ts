import type { ExportFlow } from './flow.js';
import { ipv4Of } from './flow.js';
import { minimumFrameLength, writeSampledPacket } from './headers.js';

export interface SflowEncoderConfig {
  /** Agent address: 16 bytes (IPv4-mapped for IPv4, which is then sent as an IPv4 agent). */
  agent: Uint8Array;
  subAgentId: number;
  /** When the agent booted (ms since epoch): the base of the header's uptime. */
  bootMs: number;
  /** 1-in-N packet sampling rate written in flow samples. */
  samplingRate: number;
  /** Use expanded flow samples (format 3) instead of compact ones (format 1). */
  expanded: boolean;
  /** The router's own AS in extended gateway records. */
  routerAs: number;
  /** Largest datagram to build (bytes). */
  maxBytes: number;
}

export const defaultSflowEncoderConfig: SflowEncoderConfig = {
  agent: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1),
  subAgentId: 0,
  bootMs: 0,
  samplingRate: 1000,
  expanded: false,
  routerAs: 64500,
  maxBytes: 1400,
};

/** Generic interface counters (sFlow counter record 0:1). */
export interface InterfaceCounters {
  ifIndex: number;
  ifType: number;
  ifSpeed: number;
  /** 0 unknown, 1 full duplex, 2 half duplex, 3 in, 4 out. */
  ifDirection: number;
  /** Bit 0 admin up, bit 1 operationally up. */
  ifStatus: number;
  inOctets: number;
  inUcastPkts: number;
  inMulticastPkts: number;
  inBroadcastPkts: number;
  inDiscards: number;
  inErrors: number;
  inUnknownProtos: number;
  outOctets: number;
  outUcastPkts: number;
  outMulticastPkts: number;
  outBroadcastPkts: number;
  outDiscards: number;
  outErrors: number;
  promiscuous: number;
}

/** Largest flow sample this encoder writes (IPv6, all extended records, 3 AS path entries). */
export const SFLOW_MAX_FLOW_SAMPLE = 400;
const COUNTER_SAMPLE = 8 + 12 + 8 + 88;

/**
 * Builds sFlow v5 datagrams for one agent / sub-agent: flow samples (compact or expanded) made of
 * a raw Ethernet packet header record, extended switch, extended router and extended gateway
 * records; counter samples with generic interface counters. The datagram sequence counts the
 * datagrams of this sub-agent; each data source (ifIndex) has its own sample sequence and pool.
 *
 *   enc.start(buf, now); for (...) if (!enc.addFlowSample(f)) break; const len = enc.finish();
 */
export class SflowEncoder {
  readonly config: SflowEncoderConfig;
  /** Sequence number of the next datagram. */
  sequence = 0;
  private readonly sampleSequence = new Map<number, number>();
  private readonly samplePool = new Map<number, number>();
  private out: Buffer = Buffer.alloc(0);
  private offset = 0;
  private samples = 0;
  private nowMs = 0;
  private readonly headerLength: number;

  constructor(config: Partial<SflowEncoderConfig> = {}) {
    this.config = { ...defaultSflowEncoderConfig, ...config };
    this.headerLength = isMapped(this.config.agent) ? 28 : 40;
  }

  start(out: Buffer, nowMs: number): void {
    this.out = out;
    this.nowMs = nowMs;
    this.offset = this.headerLength;
    this.samples = 0;
  }

  get room(): number {
    return Math.min(this.config.maxBytes, this.out.length) - this.offset;
  }

  /**
   * Adds one flow sample for one packet of flow `f` (sampled on its input interface). The frame
   * length is the flow's mean packet size. Returns false, writing nothing, when it does not fit.
   */
  addFlowSample(f: ExportFlow): boolean {
    if (this.room < SFLOW_MAX_FLOW_SAMPLE) return false;
    const c = this.config;
    const source = f.inputIf;
    const seq = this.nextSampleSequence(source);
    const start = this.offset;
    this.u32(c.expanded ? 3 : 1);
    this.u32(0); // sample length, patched below
    const body = this.offset;
    this.u32(seq);
    if (c.expanded) {
      this.u32(0);
      this.u32(source);
    } else this.u32(source); // source id type 0 (ifIndex) << 24 | index
    this.u32(c.samplingRate);
    this.u32(this.samplePool.get(source) ?? 0);
    this.u32(0); // drops
    if (c.expanded) {
      this.u32(0);
      this.u32(f.inputIf);
      this.u32(0);
      this.u32(f.outputIf);
    } else {
      this.u32(f.inputIf & 0x3fffffff);
      this.u32(f.outputIf & 0x3fffffff);
    }
    this.u32(4); // records
    this.rawHeaderRecord(f);
    this.switchRecord(f);
    this.routerRecord(f);
    this.gatewayRecord(f);
    this.out.writeUInt32BE(this.offset - body, start + 4);
    this.samples++;
    return true;
  }

  /** Adds a counter sample with generic interface counters; false when it does not fit. */
  addCounterSample(ic: InterfaceCounters): boolean {
    if (this.room < COUNTER_SAMPLE) return false;
    this.u32(2);
    this.u32(12 + 8 + 88);
    this.u32(this.nextSampleSequence(0x4000_0000 | ic.ifIndex));
    this.u32(ic.ifIndex & 0xffffff);
    this.u32(1);
    this.u32(1); // generic interface counters
    this.u32(88);
    this.u32(ic.ifIndex);
    this.u32(ic.ifType);
    this.u64(ic.ifSpeed);
    this.u32(ic.ifDirection);
    this.u32(ic.ifStatus);
    this.u64(ic.inOctets);
    this.u32(ic.inUcastPkts);
    this.u32(ic.inMulticastPkts);
    this.u32(ic.inBroadcastPkts);
    this.u32(ic.inDiscards);
    this.u32(ic.inErrors);
    this.u32(ic.inUnknownProtos);
    this.u64(ic.outOctets);
    this.u32(ic.outUcastPkts);
    this.u32(ic.outMulticastPkts);
    this.u32(ic.outBroadcastPkts);
    this.u32(ic.outDiscards);
    this.u32(ic.outErrors);
    this.u32(ic.promiscuous);
    this.samples++;
    return true;
  }

  /** Writes the datagram header and returns the datagram length in bytes. */
  finish(): number {
    const c = this.config;
    const end = this.offset;
    this.offset = 0;
    this.u32(5);
    if (this.headerLength === 28) {
      this.u32(1);
      this.u32(ipv4Of(c.agent));
    } else {
      this.u32(2);
      this.out.set(c.agent, this.offset);
      this.offset += 16;
    }
    this.u32(c.subAgentId);
    this.u32(this.sequence);
    this.u32(this.nowMs - c.bootMs);
    this.u32(this.samples);
    this.sequence = (this.sequence + 1) >>> 0;
    return end;
  }

  /** The frame length (without FCS) a flow sample of `f` reports. */
  static frameLength(f: ExportFlow): number {
    const mean = f.packets > 0 ? Math.round(f.bytes / f.packets) : 64;
    return Math.max(minimumFrameLength(f), Math.min(mean, 9000));
  }

  private nextSampleSequence(source: number): number {
    const seq = ((this.sampleSequence.get(source) ?? 0) + 1) >>> 0;
    this.sampleSequence.set(source, seq);
    this.samplePool.set(source, ((this.samplePool.get(source) ?? 0) + this.config.samplingRate) >>> 0);
    return seq;
  }

  private rawHeaderRecord(f: ExportFlow): void {
    const frame = SflowEncoder.frameLength(f);
    this.u32(1);
    const lengthAt = this.offset;
    this.u32(0);
    this.u32(1); // header protocol: Ethernet
    this.u32(frame + 4); // frame length including the FCS
    this.u32(4); // stripped: the FCS
    const headerLengthAt = this.offset;
    this.u32(0);
    const headerStart = this.offset;
    const headerEnd = writeSampledPacket(this.out, headerStart, f, frame);
    this.out.writeUInt32BE(headerEnd - headerStart, headerLengthAt);
    this.offset = headerEnd;
    while ((this.offset & 3) !== 0) this.out[this.offset++] = 0;
    this.out.writeUInt32BE(this.offset - lengthAt - 4, lengthAt);
  }

  private switchRecord(f: ExportFlow): void {
    this.u32(1001);
    this.u32(16);
    this.u32(f.vlanIn);
    this.u32(0);
    this.u32(f.vlanOut);
    this.u32(0);
  }

  private routerRecord(f: ExportFlow): void {
    this.u32(1002);
    this.u32(isMapped(f.nextHop) ? 16 : 28);
    this.address(f.nextHop);
    this.u32(f.srcMask);
    this.u32(f.dstMask);
  }

  private gatewayRecord(f: ExportFlow): void {
    this.u32(1003);
    const lengthAt = this.offset;
    this.u32(0);
    this.address(f.bgpNextHop);
    this.u32(this.config.routerAs);
    this.u32(f.srcAs);
    this.u32(f.srcAs); // peer AS: the neighbour towards the source, here the origin itself
    this.u32(1); // one AS path segment
    this.u32(2); // AS_SEQUENCE
    this.u32(1);
    this.u32(f.dstAs);
    this.u32(0); // communities
    this.u32(100); // local preference
    this.out.writeUInt32BE(this.offset - lengthAt - 4, lengthAt);
  }

  private address(addr: Uint8Array): void {
    if (isMapped(addr)) {
      this.u32(1);
      this.u32(ipv4Of(addr));
    } else {
      this.u32(2);
      this.out.set(addr, this.offset);
      this.offset += 16;
    }
  }

  private u32(v: number): void {
    this.out.writeUInt32BE(v >>> 0, this.offset);
    this.offset += 4;
  }

  private u64(v: number): void {
    this.out.writeUInt32BE(Math.floor(v / 0x1_0000_0000) >>> 0, this.offset);
    this.out.writeUInt32BE(v >>> 0, this.offset + 4);
    this.offset += 8;
  }
}

function isMapped(addr: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (addr[i] !== 0) return false;
  return addr[10] === 0xff && addr[11] === 0xff;
}
