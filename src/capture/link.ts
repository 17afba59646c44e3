import { parseIPv4, parseIPv6, parseIp } from './ip.js';
import { LinkType } from './linktype.js';
import { type PacketInfo, Parsed } from './packet-info.js';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MULTICAST = 0x8848;
const ETH_PPPOE_SESSION = 0x8864;
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const MAX_LABELS = 8;

/** BSD address families for IPv6: Linux, NetBSD/OpenBSD, FreeBSD, macOS. */
function isAfInet6(af: number): boolean {
  return af === 10 || af === 24 || af === 28 || af === 30;
}

/**
 * Parses one captured packet `buf[offset..offset+length)` of link type `linkType` down to its
 * transport payload, filling `info` (reset first). Returns `Parsed.ok` or the index of the
 * reason in `packetSkipReasons`. Reads in place; allocates nothing.
 */
export function parsePacket(
  buf: Uint8Array,
  offset: number,
  length: number,
  linkType: number,
  info: PacketInfo,
): number {
  info.reset();
  const end = offset + length;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (length < 14) return Parsed.truncatedLink;
      return parseEtherType(buf, offset + 14, end, (buf[offset + 12]! << 8) | buf[offset + 13]!, info);
    case LinkType.LINUX_SLL:
      if (length < 16) return Parsed.truncatedLink;
      return parseEtherType(buf, offset + 16, end, (buf[offset + 14]! << 8) | buf[offset + 15]!, info);
    case LinkType.LINUX_SLL2:
      if (length < 20) return Parsed.truncatedLink;
      return parseEtherType(buf, offset + 20, end, (buf[offset]! << 8) | buf[offset + 1]!, info);
    case LinkType.RAW:
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW_BSDOS:
      return parseIp(buf, offset, end, info);
    case LinkType.IPV4:
      return parseIPv4(buf, offset, end, info);
    case LinkType.IPV6:
      return parseIPv6(buf, offset, end, info);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (length < 4) return Parsed.truncatedLink;
      const be =
        ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
      // LOOP is big-endian; NULL is in the capturing host's order, told apart by magnitude.
      const af =
        linkType === LinkType.LOOP || be <= 0xffff
          ? be
          : (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16) | (buf[offset + 3]! << 24)) >>>
            0;
      if (af === 2) return parseIPv4(buf, offset + 4, end, info);
      if (isAfInet6(af)) return parseIPv6(buf, offset + 4, end, info);
      return Parsed.notIp;
    }
    default:
      return Parsed.unsupportedLinkType;
  }
}

/** From an EtherType and the offset just past it: VLAN tags, PPPoE, MPLS, then IP. */
function parseEtherType(buf: Uint8Array, o: number, end: number, type: number, info: PacketInfo): number {
  while (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) {
    if (end - o < 4) return Parsed.truncatedLink;
    const id = ((buf[o]! << 8) | buf[o + 1]!) & 0x0fff;
    if (info.vlan === 0) info.vlan = id;
    else if (info.innerVlan === 0) info.innerVlan = id;
    type = (buf[o + 2]! << 8) | buf[o + 3]!;
    o += 4;
  }
  switch (type) {
    case ETH_IPV4:
      return parseIPv4(buf, o, end, info);
    case ETH_IPV6:
      return parseIPv6(buf, o, end, info);
    case ETH_PPPOE_SESSION: {
      if (end - o < 8) return Parsed.truncatedLink;
      const ppp = (buf[o + 6]! << 8) | buf[o + 7]!;
      if (ppp === PPP_IPV4) return parseIPv4(buf, o + 8, end, info);
      if (ppp === PPP_IPV6) return parseIPv6(buf, o + 8, end, info);
      return Parsed.notIp;
    }
    case ETH_MPLS:
    case ETH_MPLS_MULTICAST:
      for (let i = 0; i < MAX_LABELS; i++) {
        if (end - o < 4) return Parsed.truncatedLink;
        const bottom = buf[o + 2]! & 1;
        o += 4;
        if (bottom) return parseIp(buf, o, end, info);
      }
      return Parsed.notIp;
    default:
      return Parsed.notIp;
  }
}
