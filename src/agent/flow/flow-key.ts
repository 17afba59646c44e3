import { IpProtocol, type PacketInfo } from '../../capture/packet-info.js';

/** Key `meta` bits: the protocol, IPv6, ICMP echo (ports are the echo identifier), and the VLAN. */
export const META_V6 = 0x100;
export const META_ECHO = 0x200;
const VLAN_SHIFT = 12;

export const metaProtocol = (meta: number): number => meta & 0xff;
export const metaVlan = (meta: number): number => meta >>> VLAN_SHIFT;

/**
 * One packet's flow key, read in place and reused: the 5-tuple plus the outer VLAN, addresses
 * as big-endian 32-bit words (IPv4 in the first word, the others zero). The key is symmetric in
 * its hash, so both directions of a flow land on the same slot.
 */
export class PacketKey {
  /** Source address words 0-3, destination words 4-7. */
  readonly words = new Uint32Array(8);
  srcPort = 0;
  dstPort = 0;
  meta = 0;
  /** int32 (kept a small integer: never a boxed number). */
  hash = 0;
  /** ICMP: type * 256 + code of the client's message, the record's l4_dst_port. */
  icmpPort = 0;
  /**
   * Who opened the flow, as far as this packet tells: 1 its sender (TCP SYN, ICMP echo request
   * or error), -1 its receiver (SYN+ACK, echo reply), 0 unknown.
   */
  opener = 0;
}

/** A big-endian word as int32 (a small integer in V8; stored into a Uint32Array it is the same bits). */
const word = (b: Uint8Array, o: number): number =>
  (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;

export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function endpointHash(port: number, w0: number, w1: number, w2: number, w3: number, v6: boolean): number {
  let h = fmix(Math.imul(port ^ 0x5bd1e995, 0x9e3779b1) ^ w0);
  if (v6) {
    h = fmix(h ^ w1);
    h = fmix(h ^ w2);
    h = fmix(h ^ w3);
  }
  return h;
}

/** Reads the packet's source and destination addresses into `w` (0-3, 4-7); true for IPv6. */
export function readAddressWords(buf: Uint8Array, info: PacketInfo, w: Uint32Array): boolean {
  const s = info.srcAddrOffset;
  const d = info.dstAddrOffset;
  w[0] = word(buf, s);
  w[4] = word(buf, d);
  if (info.ipVersion === 6) {
    w[1] = word(buf, s + 4);
    w[2] = word(buf, s + 8);
    w[3] = word(buf, s + 12);
    w[5] = word(buf, d + 4);
    w[6] = word(buf, d + 8);
    w[7] = word(buf, d + 12);
    return true;
  }
  w[1] = w[2] = w[3] = w[5] = w[6] = w[7] = 0;
  return false;
}

/**
 * Fills `key` from a packet that parsed down to its transport header. Returns false when an ICMP
 * header is too short to key the packet.
 */
export function readPacketKey(buf: Uint8Array, info: PacketInfo, key: PacketKey): boolean {
  const w = key.words;
  const s = info.srcAddrOffset;
  const d = info.dstAddrOffset;
  const v6 = info.ipVersion === 6;
  const s0 = word(buf, s);
  const d0 = word(buf, d);
  const s1 = v6 ? word(buf, s + 4) : 0;
  const s2 = v6 ? word(buf, s + 8) : 0;
  const s3 = v6 ? word(buf, s + 12) : 0;
  const d1 = v6 ? word(buf, d + 4) : 0;
  const d2 = v6 ? word(buf, d + 8) : 0;
  const d3 = v6 ? word(buf, d + 12) : 0;
  w[0] = s0;
  w[1] = s1;
  w[2] = s2;
  w[3] = s3;
  w[4] = d0;
  w[5] = d1;
  w[6] = d2;
  w[7] = d3;
  const protocol = info.protocol;
  let meta = protocol | (v6 ? META_V6 : 0) | (info.vlan << VLAN_SHIFT);
  key.srcPort = 0;
  key.dstPort = 0;
  key.icmpPort = 0;
  key.opener = 0;
  if (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP) {
    key.srcPort = info.srcPort;
    key.dstPort = info.dstPort;
    if (protocol === IpProtocol.TCP) {
      const syn = info.tcpFlags & 0x12;
      key.opener = syn === 0x02 ? 1 : syn === 0x12 ? -1 : 0;
    }
  } else if (protocol === IpProtocol.ICMP || protocol === IpProtocol.ICMPV6) {
    const o = info.l4Offset;
    if (info.l4End - o < 2) return false;
    const type = buf[o]!;
    const echo = icmpEcho(type, protocol === IpProtocol.ICMPV6);
    if (echo !== 0) {
      if (info.l4End - o < 8) return false;
      // Request and reply share the identifier: both directions key alike.
      key.srcPort = key.dstPort = (buf[o + 4]! << 8) | buf[o + 5]!;
      meta |= META_ECHO;
      key.icmpPort = (protocol === IpProtocol.ICMP ? 8 : 128) << 8;
      key.opener = echo;
    } else {
      key.srcPort = key.dstPort = (type << 8) | buf[o + 1]!;
      key.icmpPort = key.srcPort;
      key.opener = 1;
    }
  }
  key.meta = meta;
  key.hash = fmix(
    (endpointHash(key.srcPort, s0, s1, s2, s3, v6) + endpointHash(key.dstPort, d0, d1, d2, d3, v6) + meta) |
      0,
  );
  return true;
}

/** 1 for an echo request, -1 for an echo reply, 0 for any other ICMP type. */
function icmpEcho(type: number, v6: boolean): number {
  if (v6) return type === 128 ? 1 : type === 129 ? -1 : 0;
  return type === 8 ? 1 : type === 0 ? -1 : 0;
}
