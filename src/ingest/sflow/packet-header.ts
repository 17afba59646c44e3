import { readMac } from '../../flow/addr.js';

/**
 * Parses the first bytes of a packet (Ethernet, 802.1Q / QinQ tags, MPLS, IPv4, IPv6 with its
 * extension headers, TCP, UDP, ICMP, ICMPv6) in place: nothing is copied or allocated, addresses
 * stay in the buffer and are reported as offsets. Every read is bounded by `end`, so a header cut
 * short (sFlow keeps only the first 128 bytes or so) yields whatever layers fit.
 */
export class PacketFields {
  dstMac = 0;
  srcMac = 0;
  /** Innermost 802.1Q VLAN id (the customer tag under QinQ); 0 when untagged. */
  vlan = 0;
  /** Top MPLS label; 0 when none. */
  mplsLabel = 0;
  /** 4 or 6 once an IP header with both addresses was read, else 0. */
  ipVersion = 0;
  /** Offsets of the source and destination addresses in the buffer (4 or 16 bytes). */
  srcAddrOff = 0;
  dstAddrOff = 0;
  /** IPv4 TOS or IPv6 traffic class. */
  tos = 0;
  /** Upper-layer protocol (after IPv6 extension headers). */
  protocol = 0;
  /** IPv4 fragment offset (8-byte units), or the IPv6 fragment header's. */
  fragmentOffset = 0;
  srcPort = 0;
  /** Destination port; ICMP type * 256 + code for ICMP and ICMPv6. */
  dstPort = 0;
  tcpFlags = 0;

  resetPacket(): void {
    this.dstMac = 0;
    this.srcMac = 0;
    this.vlan = 0;
    this.mplsLabel = 0;
    this.ipVersion = 0;
    this.srcAddrOff = 0;
    this.dstAddrOff = 0;
    this.tos = 0;
    this.protocol = 0;
    this.fragmentOffset = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
  }
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MULTICAST = 0x8848;

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

/** Parses an Ethernet frame starting at `off`. */
export function parseEthernet(buf: Uint8Array, off: number, end: number, out: PacketFields): void {
  if (off + 14 > end) return;
  out.dstMac = readMac(buf, off);
  out.srcMac = readMac(buf, off + 6);
  let type = u16(buf, off + 12);
  off += 14;
  // Each tag consumes 4 bytes, so the loop is bounded by the buffer.
  while (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) {
    if (off + 4 > end) return;
    out.vlan = u16(buf, off) & 0x0fff;
    type = u16(buf, off + 2);
    off += 4;
  }
  if (type === ETH_MPLS || type === ETH_MPLS_MULTICAST) {
    const ipOff = skipMpls(buf, off, end, out);
    if (ipOff < 0) return;
    off = ipOff;
    type = buf[off]! >> 4 === 6 ? ETH_IPV6 : buf[off]! >> 4 === 4 ? ETH_IPV4 : 0;
  }
  if (type === ETH_IPV4) parseIPv4(buf, off, end, out);
  else if (type === ETH_IPV6) parseIPv6(buf, off, end, out);
}

/** Walks an MPLS label stack; returns the offset after the bottom label, or -1. */
function skipMpls(buf: Uint8Array, off: number, end: number, out: PacketFields): number {
  out.mplsLabel =
    off + 4 <= end ? ((buf[off]! << 12) | (buf[off + 1]! << 4) | (buf[off + 2]! >> 4)) >>> 0 : 0;
  while (off + 4 <= end) {
    const bottom = buf[off + 2]! & 1;
    off += 4;
    if (bottom === 1) return off < end ? off : -1;
  }
  return -1;
}

/** Parses an IPv4 header (IHL honoured) and, unless this is a later fragment, its L4 header. */
export function parseIPv4(buf: Uint8Array, off: number, end: number, out: PacketFields): void {
  if (off + 20 > end || buf[off]! >> 4 !== 4) return;
  const ihl = (buf[off]! & 0x0f) * 4;
  out.ipVersion = 4;
  out.tos = buf[off + 1]!;
  out.fragmentOffset = u16(buf, off + 6) & 0x1fff;
  out.protocol = buf[off + 9]!;
  out.srcAddrOff = off + 12;
  out.dstAddrOff = off + 16;
  if (ihl < 20 || out.fragmentOffset !== 0) return;
  parseL4(buf, off + ihl, end, out);
}

// IPv6 extension headers that use the generic (next header, length in 8-byte units) layout.
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

/** Parses an IPv6 header, skips its extension headers, then parses the L4 header. */
export function parseIPv6(buf: Uint8Array, off: number, end: number, out: PacketFields): void {
  if (off + 40 > end || buf[off]! >> 4 !== 6) return;
  out.ipVersion = 6;
  out.tos = ((buf[off]! & 0x0f) << 4) | (buf[off + 1]! >> 4);
  out.srcAddrOff = off + 8;
  out.dstAddrOff = off + 24;
  let next = buf[off + 6]!;
  off += 40;
  // Each extension header is at least 8 bytes, so the loop is bounded by the buffer.
  for (;;) {
    out.protocol = next;
    if (off + 8 > end) return;
    switch (next) {
      case HOP_BY_HOP:
      case ROUTING:
      case DEST_OPTS:
      case MOBILITY:
      case HIP:
      case SHIM6:
        next = buf[off]!;
        off += 8 + buf[off + 1]! * 8;
        break;
      case AUTH:
        next = buf[off]!;
        off += (buf[off + 1]! + 2) * 4;
        break;
      case FRAGMENT:
        next = buf[off]!;
        out.fragmentOffset = u16(buf, off + 2) >> 3;
        off += 8;
        break;
      default:
        if (out.fragmentOffset === 0) parseL4(buf, off, end, out);
        return;
    }
  }
}

const ICMP = 1;
const TCP = 6;
const UDP = 17;
const ICMPV6 = 58;

function parseL4(buf: Uint8Array, off: number, end: number, out: PacketFields): void {
  switch (out.protocol) {
    case TCP:
      if (off + 14 <= end) out.tcpFlags = buf[off + 13]!;
      if (off + 4 <= end) {
        out.srcPort = u16(buf, off);
        out.dstPort = u16(buf, off + 2);
      }
      return;
    case UDP:
      if (off + 4 <= end) {
        out.srcPort = u16(buf, off);
        out.dstPort = u16(buf, off + 2);
      }
      return;
    case ICMP:
    case ICMPV6:
      if (off + 2 <= end) out.dstPort = u16(buf, off);
      return;
  }
}
