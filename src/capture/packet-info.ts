/**
 * Why a packet could not be parsed down to its transport payload: a bounded set, so callers can
 * count them in a typed array. Index 0 means the packet parsed.
 */
export const packetSkipReasons = [
  'ok',
  'unsupported_link_type', // a link type flowlens does not parse
  'truncated_link', // shorter than its link-layer header
  'not_ip', // ARP, LLC, or another non-IP payload
  'truncated_ip', // shorter than its IP header or extension headers
  'bad_ip_header', // wrong version, header length or total length
  'ip_fragment', // a non-first fragment: no transport header
  'truncated_l4', // shorter than its UDP or TCP header
  'bad_l4_header', // a UDP length or TCP data offset that is impossible
] as const;

export type PacketSkipReason = (typeof packetSkipReasons)[number];

export const Parsed = {
  ok: 0,
  unsupportedLinkType: 1,
  truncatedLink: 2,
  notIp: 3,
  truncatedIp: 4,
  badIpHeader: 5,
  ipFragment: 6,
  truncatedL4: 7,
  badL4Header: 8,
} as const;

export const IpProtocol = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/**
 * What `parsePacket` found in one packet: offsets into the capture buffer, never copies. Reused
 * from packet to packet; fields of layers the packet does not have are zero.
 */
export class PacketInfo {
  /** Outer and inner 802.1Q VLAN ids (0: none). */
  vlan = 0;
  innerVlan = 0;
  /** 4 or 6. */
  ipVersion = 0;
  ipOffset = 0;
  /** Offsets of the source and destination addresses (4 or 16 bytes each). */
  srcAddrOffset = 0;
  dstAddrOffset = 0;
  tos = 0;
  ttl = 0;
  /** The transport protocol (after IPv6 extension headers). */
  protocol = 0;
  /** 0 not fragmented, 1 the first fragment of several (its payload is partial). */
  firstFragment = 0;
  /** A fragment's identification (IPv4: 16 bits, IPv6 fragment header: 32 bits); 0 otherwise. */
  fragmentId = 0;
  /** Offset of the transport header; its length runs to `l4End`. */
  l4Offset = 0;
  /** End of the IP packet within the capture (IP length, cut by the snap length). */
  l4End = 0;
  srcPort = 0;
  dstPort = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  tcpWindow = 0;
  /** UDP/TCP payload (for other protocols, the transport header's offset and the rest). */
  payloadOffset = 0;
  payloadLength = 0;
  /** Set when the packet announces more bytes than were captured (snap length, first fragment). */
  truncated = false;

  reset(): void {
    this.vlan = 0;
    this.innerVlan = 0;
    this.ipVersion = 0;
    this.ipOffset = 0;
    this.srcAddrOffset = 0;
    this.dstAddrOffset = 0;
    this.tos = 0;
    this.ttl = 0;
    this.protocol = 0;
    this.firstFragment = 0;
    this.fragmentId = 0;
    this.l4Offset = 0;
    this.l4End = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpFlags = 0;
    this.tcpWindow = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
    this.truncated = false;
  }
}
