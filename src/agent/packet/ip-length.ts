import type { PacketInfo } from '../../capture/packet-info.js';

/**
 * The IP packet's length as sent (header included), from its header even when the capture cut
 * it. A zero length field (segmentation offload, IPv6 jumbogram) falls back to the packet's
 * original length minus its link-layer header.
 */
export function ipWireLength(
  buf: Uint8Array,
  info: PacketInfo,
  packetOffset: number,
  originalLength: number,
): number {
  const o = info.ipOffset;
  const field = (buf[o + (info.ipVersion === 4 ? 2 : 4)]! << 8) | buf[o + (info.ipVersion === 4 ? 3 : 5)]!;
  if (field !== 0) return info.ipVersion === 4 ? field : field + 40;
  return Math.max(0, originalLength - (o - packetOffset));
}

/**
 * The transport payload's length as sent: a TCP segment's (IP length minus headers), a UDP
 * datagram's (its length field, which a first fragment carries for the whole datagram).
 */
export function payloadWireLength(buf: Uint8Array, info: PacketInfo, ipLength: number): number {
  const l4 = info.l4Offset;
  const l4Length = ipLength - (l4 - info.ipOffset);
  if (info.protocol === 6) return Math.max(0, l4Length - (buf[l4 + 12]! >> 4) * 4);
  if (info.protocol === 17) {
    const udpLength = (buf[l4 + 4]! << 8) | buf[l4 + 5]!;
    return Math.max(0, udpLength >= 8 ? udpLength - 8 : l4Length - 8);
  }
  return Math.max(0, l4Length);
}
