/**
 * ICMP / ICMPv6 echo requests, written into a reused buffer. The payload carries, when it has
 * room, a 32-bit token (so a late reply to an earlier use of the same sequence number is not
 * taken for the current probe) and about the send time (ns on process.hrtime's clock, for anyone
 * reading a capture; RTTs come from the probe table, not from the packet).
 */

export const IcmpType = {
  echoReply: 0,
  unreachable: 3,
  echoRequest: 8,
  timeExceeded: 11,
} as const;

export const Icmp6Type = {
  unreachable: 1,
  timeExceeded: 3,
  echoRequest: 128,
  echoReply: 129,
} as const;

/** Unreachable codes that mean "the destination itself answered" (traceroute reached it). */
export const portUnreachable4 = 3;
export const portUnreachable6 = 4;

export const echoHeaderBytes = 8;
/** Payload offsets: token, then the send time. */
export const tokenOffset = 0;
export const timeOffset = 4;
export const maxEchoPayload = 65_000;

/** The RFC 1071 Internet checksum of buf[start, end). */
export function internetChecksum(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Fills the constant part of a payload (after token and time) once per buffer. */
export function fillPattern(buf: Buffer): void {
  for (let i = echoHeaderBytes; i < buf.length; i++) buf[i] = i & 0xff;
}

/**
 * Writes an echo request with `size` payload bytes at the start of `buf` (whose pattern bytes
 * were filled once) and returns its length. ICMPv4 gets its checksum here; for ICMPv6 the
 * kernel computes it (it covers a pseudo-header with the source address we do not know).
 */
export function writeEchoRequest(
  buf: Buffer,
  family: 4 | 6,
  id: number,
  seq: number,
  token: number,
  sentNs: number,
  size: number,
): number {
  buf[0] = family === 4 ? IcmpType.echoRequest : Icmp6Type.echoRequest;
  buf[1] = 0;
  buf.writeUInt16BE(0, 2);
  buf.writeUInt16BE(id, 4);
  buf.writeUInt16BE(seq, 6);
  const p = echoHeaderBytes;
  if (size >= timeOffset) buf.writeUInt32BE(token >>> 0, p + tokenOffset);
  if (size >= timeOffset + 8) {
    const high = Math.floor(sentNs / 0x1_0000_0000);
    buf.writeUInt32BE(high >>> 0, p + timeOffset);
    buf.writeUInt32BE((sentNs - high * 0x1_0000_0000) >>> 0, p + timeOffset + 4);
  }
  const length = echoHeaderBytes + size;
  if (family === 4) buf.writeUInt16BE(internetChecksum(buf, 0, length), 2);
  return length;
}
