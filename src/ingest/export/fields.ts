import type { ExportFlow } from './flow.js';

/**
 * Information elements the encoders can put in NetFlow v9 and IPFIX templates. NetFlow v9 field
 * types 1-127 and IPFIX IEs share their numbers for everything used here; the time fields differ
 * (v9 21/22 are sysUptime-relative, IPFIX uses 152/153 absolute milliseconds).
 */
export const IE = {
  inBytes: 1,
  inPkts: 2,
  protocol: 4,
  tos: 5,
  tcpFlags: 6,
  l4SrcPort: 7,
  ipv4SrcAddr: 8,
  srcMask: 9,
  inputSnmp: 10,
  l4DstPort: 11,
  ipv4DstAddr: 12,
  dstMask: 13,
  outputSnmp: 14,
  ipv4NextHop: 15,
  srcAs: 16,
  dstAs: 17,
  bgpIpv4NextHop: 18,
  lastSwitched: 21,
  firstSwitched: 22,
  outBytes: 23,
  outPkts: 24,
  ipv6SrcAddr: 27,
  ipv6DstAddr: 28,
  ipv6SrcMask: 29,
  ipv6DstMask: 30,
  samplingInterval: 34,
  samplingAlgorithm: 35,
  flowSamplerId: 48,
  flowSamplerMode: 49,
  flowSamplerRandomInterval: 50,
  srcMac: 56,
  srcVlan: 58,
  dstVlan: 59,
  ipVersion: 60,
  direction: 61,
  ipv6NextHop: 62,
  bgpIpv6NextHop: 63,
  mplsLabel1: 70,
  dstMac: 80,
  applicationName: 96,
  observationDomainId: 149,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
} as const;

/** NetFlow v9 options scope field types. */
export const ScopeType = { system: 1, interface: 2, lineCard: 3, cache: 4, template: 5 } as const;

/** IPFIX length meaning "variable length" (RFC 7011 section 7). */
export const VARIABLE_LENGTH = 0xffff;

/** One template field: element id, length on the wire, and an enterprise number if any. */
export interface FieldSpec {
  readonly id: number;
  readonly length: number;
  /** IPFIX private enterprise number; such fields are filled with a fixed byte pattern. */
  readonly enterprise?: number;
}

export const field = (id: number, length: number, enterprise?: number): FieldSpec =>
  enterprise === undefined ? { id, length } : { id, length, enterprise };

/** Time base for uptime-relative fields: when the exporter booted (ms since epoch). */
export interface ClockBase {
  bootMs: number;
}

/** Writes a value of a fixed-length field; unknown ids write zeroes. Allocates nothing. */
export function writeField(buf: Buffer, o: number, spec: FieldSpec, f: ExportFlow, clock: ClockBase): void {
  const len = spec.length;
  if (spec.enterprise !== undefined) {
    buf.fill(0xa5, o, o + len);
    return;
  }
  const addr = addressOf(spec.id, f);
  if (addr !== undefined) writeAddr(buf, o, len, addr);
  else writeUint(buf, o, len, numberOf(spec.id, f, clock));
}

function addressOf(id: number, f: ExportFlow): Uint8Array | undefined {
  switch (id) {
    case IE.ipv4SrcAddr:
    case IE.ipv6SrcAddr:
      return f.srcAddr;
    case IE.ipv4DstAddr:
    case IE.ipv6DstAddr:
      return f.dstAddr;
    case IE.ipv4NextHop:
    case IE.ipv6NextHop:
      return f.nextHop;
    case IE.bgpIpv4NextHop:
    case IE.bgpIpv6NextHop:
      return f.bgpNextHop;
    default:
      return undefined;
  }
}

function numberOf(id: number, f: ExportFlow, clock: ClockBase): number {
  switch (id) {
    case IE.inBytes:
      return f.bytes;
    case IE.inPkts:
      return f.packets;
    case IE.outBytes:
      return f.outBytes;
    case IE.outPkts:
      return f.outPackets;
    case IE.protocol:
      return f.protocol;
    case IE.tos:
      return f.tos;
    case IE.tcpFlags:
      return f.tcpFlags;
    case IE.l4SrcPort:
      return f.srcPort;
    case IE.l4DstPort:
      return f.dstPort;
    case IE.srcMask:
    case IE.ipv6SrcMask:
      return f.srcMask;
    case IE.dstMask:
    case IE.ipv6DstMask:
      return f.dstMask;
    case IE.inputSnmp:
      return f.inputIf;
    case IE.outputSnmp:
      return f.outputIf;
    case IE.srcAs:
      return f.srcAs;
    case IE.dstAs:
      return f.dstAs;
    case IE.firstSwitched:
      return (f.startMs - clock.bootMs) >>> 0;
    case IE.lastSwitched:
      return (f.endMs - clock.bootMs) >>> 0;
    case IE.flowStartMilliseconds:
      return f.startMs;
    case IE.flowEndMilliseconds:
      return f.endMs;
    case IE.srcVlan:
      return f.vlanIn;
    case IE.dstVlan:
      return f.vlanOut;
    case IE.srcMac:
      return f.srcMac;
    case IE.dstMac:
      return f.dstMac;
    case IE.ipVersion:
      return f.ipVersion;
    case IE.direction:
      return f.direction;
    case IE.mplsLabel1:
      // Label (20 bits), traffic class (3), bottom of stack (1).
      return f.mplsLabel === 0 ? 0 : f.mplsLabel * 16 + 1;
    default:
      return 0;
  }
}

/**
 * Writes `value` big-endian in `len` bytes (1-8); values wider than the field keep their low
 * bytes, as an exporter with a reduced-size encoding would (RFC 7011 section 6.2).
 */
export function writeUint(buf: Buffer, o: number, len: number, value: number): void {
  let hi = Math.floor(value / 0x1_0000_0000);
  let lo = value >>> 0;
  for (let i = len - 1; i >= 0; i--) {
    buf[o + i] = lo & 0xff;
    lo = (lo >>> 8) | ((hi & 0xff) << 24);
    hi = Math.floor(hi / 256);
  }
}

/** An address field: 4 bytes take the IPv4 part of the mapped form, 16 bytes all of it. */
function writeAddr(buf: Buffer, o: number, len: number, addr: Uint8Array): void {
  if (len === 4) {
    buf[o] = addr[12]!;
    buf[o + 1] = addr[13]!;
    buf[o + 2] = addr[14]!;
    buf[o + 3] = addr[15]!;
  } else if (len === 16) {
    buf.set(addr, o);
  } else {
    buf.fill(0, o, o + len);
  }
}

/** The string value of a variable-length field (IPFIX length 65535). */
export function variableValue(spec: FieldSpec, f: ExportFlow): string {
  return spec.id === IE.applicationName && spec.enterprise === undefined ? f.appName : '';
}
