import { IpProtocol, type PacketInfo, Parsed } from './packet-info.js';

/** IPv6 extension headers skipped on the way to the transport header. */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;
const MAX_EXTENSIONS = 10;

/** Parses the IP packet at `o` (captured bytes up to `end`) by its version nibble. */
export function parseIp(buf: Uint8Array, o: number, end: number, info: PacketInfo): number {
  if (end - o < 1) return Parsed.truncatedIp;
  const version = buf[o]! >> 4;
  if (version === 4) return parseIPv4(buf, o, end, info);
  if (version === 6) return parseIPv6(buf, o, end, info);
  return Parsed.badIpHeader;
}

export function parseIPv4(buf: Uint8Array, o: number, end: number, info: PacketInfo): number {
  if (end - o < 20) return Parsed.truncatedIp;
  const b0 = buf[o]!;
  const headerLength = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || headerLength < 20) return Parsed.badIpHeader;
  if (end - o < headerLength) return Parsed.truncatedIp;
  const totalLength = (buf[o + 2]! << 8) | buf[o + 3]!;
  // 0: segmentation offload on the capturing host; the captured length is all there is.
  if (totalLength !== 0 && totalLength < headerLength) return Parsed.badIpHeader;
  let ipEnd = totalLength === 0 ? end : o + totalLength;
  if (ipEnd > end) {
    ipEnd = end;
    info.truncated = true;
  }
  info.ipVersion = 4;
  info.ipOffset = o;
  info.tos = buf[o + 1]!;
  info.ttl = buf[o + 8]!;
  info.protocol = buf[o + 9]!;
  info.srcAddrOffset = o + 12;
  info.dstAddrOffset = o + 16;
  const fragment = (buf[o + 6]! << 8) | buf[o + 7]!;
  if ((fragment & 0x3fff) !== 0) info.fragmentId = (buf[o + 4]! << 8) | buf[o + 5]!;
  if ((fragment & 0x1fff) !== 0) return Parsed.ipFragment;
  if (fragment & 0x2000) {
    info.firstFragment = 1;
    info.truncated = true;
  }
  return parseTransport(buf, o + headerLength, ipEnd, info);
}

export function parseIPv6(buf: Uint8Array, o: number, end: number, info: PacketInfo): number {
  if (end - o < 40) return Parsed.truncatedIp;
  if (buf[o]! >> 4 !== 6) return Parsed.badIpHeader;
  const payloadLength = (buf[o + 4]! << 8) | buf[o + 5]!;
  let ipEnd = payloadLength === 0 ? end : o + 40 + payloadLength;
  if (ipEnd > end) {
    ipEnd = end;
    info.truncated = true;
  }
  info.ipVersion = 6;
  info.ipOffset = o;
  info.tos = ((buf[o]! & 0x0f) << 4) | (buf[o + 1]! >> 4);
  info.ttl = buf[o + 7]!;
  info.srcAddrOffset = o + 8;
  info.dstAddrOffset = o + 24;
  let next = buf[o + 6]!;
  let p = o + 40;
  for (let i = 0; i < MAX_EXTENSIONS; i++) {
    let length: number;
    switch (next) {
      case HOP_BY_HOP:
      case ROUTING:
      case DEST_OPTS:
      case MOBILITY:
      case HIP:
      case SHIM6:
        if (ipEnd - p < 8) return Parsed.truncatedIp;
        length = (buf[p + 1]! + 1) * 8;
        break;
      case AUTH:
        if (ipEnd - p < 8) return Parsed.truncatedIp;
        length = (buf[p + 1]! + 2) * 4;
        break;
      case FRAGMENT: {
        if (ipEnd - p < 8) return Parsed.truncatedIp;
        const fragment = (buf[p + 2]! << 8) | buf[p + 3]!;
        info.fragmentId =
          ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
        if (fragment >> 3 !== 0) {
          info.protocol = buf[p]!;
          return Parsed.ipFragment;
        }
        if (fragment & 1) {
          info.firstFragment = 1;
          info.truncated = true;
        }
        length = 8;
        break;
      }
      default:
        info.protocol = next;
        return parseTransport(buf, p, ipEnd, info);
    }
    if (ipEnd - p < length) return Parsed.truncatedIp;
    next = buf[p]!;
    p += length;
  }
  return Parsed.badIpHeader;
}

/** UDP and TCP headers; any other protocol's payload is its whole transport part. */
function parseTransport(buf: Uint8Array, o: number, ipEnd: number, info: PacketInfo): number {
  info.l4Offset = o;
  info.l4End = ipEnd;
  const available = ipEnd - o;
  if (info.protocol === IpProtocol.UDP) {
    if (available < 8) return Parsed.truncatedL4;
    info.srcPort = (buf[o]! << 8) | buf[o + 1]!;
    info.dstPort = (buf[o + 2]! << 8) | buf[o + 3]!;
    const udpLength = (buf[o + 4]! << 8) | buf[o + 5]!;
    // 0: an IPv6 jumbogram or offloaded checksum/length; trust the IP length.
    if (udpLength !== 0 && udpLength < 8) return Parsed.badL4Header;
    let payloadLength = available - 8;
    if (udpLength !== 0) {
      if (udpLength - 8 > payloadLength) info.truncated = true;
      else payloadLength = udpLength - 8;
    }
    info.payloadOffset = o + 8;
    info.payloadLength = payloadLength;
    return Parsed.ok;
  }
  if (info.protocol === IpProtocol.TCP) {
    if (available < 20) return Parsed.truncatedL4;
    const dataOffset = (buf[o + 12]! >> 4) * 4;
    if (dataOffset < 20) return Parsed.badL4Header;
    if (dataOffset > available) return Parsed.truncatedL4;
    info.srcPort = (buf[o]! << 8) | buf[o + 1]!;
    info.dstPort = (buf[o + 2]! << 8) | buf[o + 3]!;
    info.tcpSeq = ((buf[o + 4]! << 24) | (buf[o + 5]! << 16) | (buf[o + 6]! << 8) | buf[o + 7]!) >>> 0;
    info.tcpAck = ((buf[o + 8]! << 24) | (buf[o + 9]! << 16) | (buf[o + 10]! << 8) | buf[o + 11]!) >>> 0;
    info.tcpFlags = buf[o + 13]!;
    info.tcpWindow = (buf[o + 14]! << 8) | buf[o + 15]!;
    info.payloadOffset = o + dataOffset;
    info.payloadLength = available - dataOffset;
    return Parsed.ok;
  }
  info.payloadOffset = o;
  info.payloadLength = available;
  return Parsed.ok;
}
