/**
 * Reads a received ICMP (IPv4: with its IP header, as a raw socket delivers it) or ICMPv6 (no IP
 * header) message in place into a reused `IcmpMessage`: an echo reply's id, sequence and token,
 * or, for time exceeded / destination unreachable, what the quoted packet says about the probe
 * that caused it (UDP ports, or the echo request's id, sequence and token).
 */
import { echoHeaderBytes, Icmp6Type, IcmpType, tokenOffset } from './packet.js';

export const MessageKind = {
  /** Not ours to look at (other types, truncated, malformed). */
  none: 0,
  echoReply: 1,
  /** An error quoting an ICMP echo request. */
  errorEcho: 2,
  /** An error quoting a UDP datagram. */
  errorUdp: 3,
} as const;

export class IcmpMessage {
  kind = 0;
  type = 0;
  code = 0;
  /** Whether `type` is time exceeded (else, for errors, destination unreachable). */
  timeExceeded = false;
  /** Echo reply: its id and sequence; errorEcho: the quoted request's. */
  id = 0;
  seq = 0;
  /** The payload's token, when the payload (or the quoted part of it) is long enough. */
  hasToken = false;
  token = 0;
  /** errorUdp: the quoted datagram's ports. */
  srcPort = 0;
  dstPort = 0;
  /** IPv4: the TTL in the answer's IP header. IPv6: -1 (the socket reports the hop limit beside the message). */
  ttl = -1;
  /** Errors: offset in the buffer of the quoted destination address (4 or 16 bytes), else -1. */
  quotedDst = -1;

  reset(): void {
    this.kind = MessageKind.none;
    this.hasToken = false;
    this.quotedDst = -1;
    this.ttl = -1;
  }
}

function readEcho(buf: Buffer, len: number, at: number, m: IcmpMessage): void {
  m.id = buf.readUInt16BE(at + 4);
  m.seq = buf.readUInt16BE(at + 6);
  const token = at + echoHeaderBytes + tokenOffset;
  m.hasToken = len >= token + 4;
  m.token = m.hasToken ? buf.readUInt32BE(token) : 0;
}

/** Fills `m` from the quoted transport header at `l4` (protocol 17 or the ICMP one). */
function readQuoted(buf: Buffer, len: number, l4: number, proto: number, icmpProto: number, m: IcmpMessage) {
  if (len < l4 + 8) return;
  if (proto === 17) {
    m.srcPort = buf.readUInt16BE(l4);
    m.dstPort = buf.readUInt16BE(l4 + 2);
    m.kind = MessageKind.errorUdp;
  } else if (proto === icmpProto) {
    const echoRequest = icmpProto === 1 ? IcmpType.echoRequest : Icmp6Type.echoRequest;
    if (buf[l4] !== echoRequest) return;
    readEcho(buf, len, l4, m);
    m.kind = MessageKind.errorEcho;
  }
}

/** An IPv4 datagram from a raw ICMP socket. Returns whether it is one we may match. */
export function parseIcmp4(buf: Buffer, len: number, m: IcmpMessage): boolean {
  m.reset();
  if (len < 28 || len > buf.length || buf[0]! >> 4 !== 4 || buf[9] !== 1) return false;
  const ihl = (buf[0]! & 0x0f) * 4;
  if (ihl < 20 || len < ihl + 8) return false;
  m.ttl = buf[8]!;
  const type = buf[ihl]!;
  m.type = type;
  m.code = buf[ihl + 1]!;
  if (type === IcmpType.echoReply) {
    readEcho(buf, len, ihl, m);
    m.kind = MessageKind.echoReply;
    return true;
  }
  if (type !== IcmpType.timeExceeded && type !== IcmpType.unreachable) return false;
  m.timeExceeded = type === IcmpType.timeExceeded;
  const inner = ihl + 8;
  if (len < inner + 20 || buf[inner]! >> 4 !== 4) return false;
  const innerIhl = (buf[inner]! & 0x0f) * 4;
  if (innerIhl < 20) return false;
  m.quotedDst = inner + 16;
  readQuoted(buf, len, inner + innerIhl, buf[inner + 9]!, 1, m);
  return m.kind !== MessageKind.none;
}

/** An ICMPv6 message from a raw ICMPv6 socket (no IPv6 header). */
export function parseIcmp6(buf: Buffer, len: number, m: IcmpMessage): boolean {
  m.reset();
  if (len < 8 || len > buf.length) return false;
  const type = buf[0]!;
  m.type = type;
  m.code = buf[1]!;
  if (type === Icmp6Type.echoReply) {
    readEcho(buf, len, 0, m);
    m.kind = MessageKind.echoReply;
    return true;
  }
  if (type !== Icmp6Type.timeExceeded && type !== Icmp6Type.unreachable) return false;
  m.timeExceeded = type === Icmp6Type.timeExceeded;
  const inner = 8;
  // Our probes carry no extension headers, so the quoted transport header follows at once.
  if (len < inner + 40 || buf[inner]! >> 4 !== 6) return false;
  m.quotedDst = inner + 24;
  readQuoted(buf, len, inner + 40, buf[inner + 6]!, 58, m);
  return m.kind !== MessageKind.none;
}
