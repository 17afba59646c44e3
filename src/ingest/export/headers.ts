import type { ExportFlow } from './flow.js';

/**
 * Packet headers written byte by byte into a reused buffer: Ethernet (with an optional 802.1Q
 * tag), IPv4, IPv6, TCP, UDP and ICMP. Used for sFlow's sampled packet headers and for wrapping
 * export datagrams into a capture file.
 */

/** Writes an Ethernet header; returns the offset after it. */
export function writeEthernet(
  buf: Buffer,
  o: number,
  dstMac: number,
  srcMac: number,
  etherType: number,
  vlan: number,
): number {
  writeMac(buf, o, dstMac);
  writeMac(buf, o + 6, srcMac);
  o += 12;
  if (vlan !== 0) {
    buf.writeUInt16BE(0x8100, o);
    buf.writeUInt16BE(vlan & 0xfff, o + 2);
    o += 4;
  }
  buf.writeUInt16BE(etherType, o);
  return o + 2;
}

export function writeMac(buf: Buffer, o: number, mac: number): void {
  const hi = Math.floor(mac / 0x1_0000_0000);
  buf.writeUInt16BE(hi & 0xffff, o);
  buf.writeUInt32BE(mac >>> 0, o + 2);
}

/** Writes a 20-byte IPv4 header with a correct checksum; returns the offset after it. */
export function writeIPv4Header(
  buf: Buffer,
  o: number,
  tos: number,
  totalLength: number,
  protocol: number,
  src: Uint8Array,
  dst: Uint8Array,
  id = 0,
): number {
  buf[o] = 0x45;
  buf[o + 1] = tos;
  buf.writeUInt16BE(Math.min(totalLength, 0xffff), o + 2);
  buf.writeUInt16BE(id & 0xffff, o + 4);
  buf.writeUInt16BE(0x4000, o + 6); // don't fragment
  buf[o + 8] = 64;
  buf[o + 9] = protocol;
  buf.writeUInt16BE(0, o + 10);
  for (let i = 0; i < 4; i++) {
    buf[o + 12 + i] = src[src.length - 4 + i]!;
    buf[o + 16 + i] = dst[dst.length - 4 + i]!;
  }
  buf.writeUInt16BE(ipChecksum(buf, o, 20), o + 10);
  return o + 20;
}

/** Writes a 40-byte IPv6 header; returns the offset after it. */
export function writeIPv6Header(
  buf: Buffer,
  o: number,
  trafficClass: number,
  payloadLength: number,
  nextHeader: number,
  src: Uint8Array,
  dst: Uint8Array,
): number {
  buf.writeUInt32BE(((6 << 28) | (trafficClass << 20)) >>> 0, o);
  buf.writeUInt16BE(Math.min(payloadLength, 0xffff), o + 4);
  buf[o + 6] = nextHeader;
  buf[o + 7] = 64;
  buf.set(src, o + 8);
  buf.set(dst, o + 24);
  return o + 40;
}

export function ipChecksum(buf: Buffer, o: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += (buf[o + i]! << 8) | (buf[o + i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Bytes of the transport header `writeTransport` writes for this protocol. */
export function transportHeaderLength(protocol: number): number {
  return protocol === 6 ? 20 : 8;
}

/** Writes a TCP, UDP or ICMP(v6) header from the flow's ports and flags. */
export function writeTransport(buf: Buffer, o: number, f: ExportFlow, payloadLength: number): number {
  if (f.protocol === 6) {
    buf.writeUInt16BE(f.srcPort, o);
    buf.writeUInt16BE(f.dstPort, o + 2);
    buf.writeUInt32BE(0x1000_0000, o + 4); // sequence
    buf.writeUInt32BE(0x2000_0000, o + 8); // acknowledgment
    buf[o + 12] = 5 << 4;
    buf[o + 13] = f.tcpFlags;
    buf.writeUInt16BE(65535, o + 14);
    buf.writeUInt32BE(0, o + 16); // checksum, urgent pointer
    return o + 20;
  }
  if (f.protocol === 1 || f.protocol === 58) {
    buf[o] = f.dstPort >> 8;
    buf[o + 1] = f.dstPort & 0xff;
    buf.writeUInt16BE(0, o + 2);
    buf.writeUInt32BE(0x00010001, o + 4); // identifier, sequence
    return o + 8;
  }
  // UDP and anything else get an 8-byte UDP-shaped header.
  buf.writeUInt16BE(f.srcPort, o);
  buf.writeUInt16BE(f.dstPort, o + 2);
  buf.writeUInt16BE(Math.min(8 + payloadLength, 0xffff), o + 4);
  buf.writeUInt16BE(0, o + 6);
  return o + 8;
}

/**
 * Writes the first bytes of the packet a flow consists of (Ethernet, optional 802.1Q from
 * `vlanIn`, IPv4 or IPv6, transport header) for a frame of `frameLength` bytes (without FCS).
 * Returns the offset after the headers.
 */
export function writeSampledPacket(buf: Buffer, o: number, f: ExportFlow, frameLength: number): number {
  const v6 = f.ipVersion === 6;
  o = writeEthernet(buf, o, f.dstMac, f.srcMac, v6 ? 0x86dd : 0x0800, f.vlanIn);
  const l2 = f.vlanIn !== 0 ? 18 : 14;
  const ipLength = frameLength - l2;
  const l4 = transportHeaderLength(f.protocol);
  if (v6) o = writeIPv6Header(buf, o, f.tos, ipLength - 40, f.protocol, f.srcAddr, f.dstAddr);
  else o = writeIPv4Header(buf, o, f.tos, ipLength, f.protocol, f.srcAddr, f.dstAddr);
  return writeTransport(buf, o, f, ipLength - (v6 ? 40 : 20) - l4);
}

/** The smallest frame that holds the headers `writeSampledPacket` writes for this flow. */
export function minimumFrameLength(f: ExportFlow): number {
  return (f.vlanIn !== 0 ? 18 : 14) + (f.ipVersion === 6 ? 40 : 20) + transportHeaderLength(f.protocol);
}
