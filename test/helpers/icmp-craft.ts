/**
 * Hand-built ICMP packets for the unit tests of src/synth/icmp: every field is written here from
 * RFC 791 / 792 / 768 / 8200 / 4443 layouts, independently of the code under test.
 */

/** The RFC 1071 checksum, written the slow obvious way (a sum of 16-bit words, folded once at the end). */
export function referenceChecksum(bytes: Uint8Array): number {
  let sum = 0n;
  for (let i = 0; i < bytes.length; i += 2) sum += BigInt((bytes[i]! << 8) | (bytes[i + 1] ?? 0));
  while (sum > 0xffffn) sum = (sum & 0xffffn) + (sum >> 16n);
  return Number(~sum & 0xffffn);
}

export function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

export function v6Bytes(address: string): number[] {
  // Only the forms the tests use: 'a:b:c::d' or full 8 words.
  const [head, tail] = address.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

/** An IPv4 header (no options) followed by `payload`. */
export function ipv4(proto: number, src: string, dst: string, ttl: number, payload: number[]): number[] {
  const total = 20 + payload.length;
  const header = [
    0x45,
    0,
    total >> 8,
    total & 0xff,
    0x12,
    0x34,
    0x40,
    0,
    ttl,
    proto,
    0,
    0,
    ...v4Bytes(src),
    ...v4Bytes(dst),
  ];
  const sum = referenceChecksum(Uint8Array.from(header));
  header[10] = sum >> 8;
  header[11] = sum & 0xff;
  return [...header, ...payload];
}

/** An IPv6 header followed by `payload`. */
export function ipv6(
  nextHeader: number,
  src: string,
  dst: string,
  hopLimit: number,
  payload: number[],
): number[] {
  const len = payload.length;
  return [
    0x60,
    0,
    0,
    0,
    len >> 8,
    len & 0xff,
    nextHeader,
    hopLimit,
    ...v6Bytes(src),
    ...v6Bytes(dst),
    ...payload,
  ];
}

export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function u32(n: number): number[] {
  return [...u16(n >>> 16), ...u16(n & 0xffff)];
}

/** An echo request / reply: type, code 0, checksum (ICMPv4 only; 0 for v6), id, seq, payload. */
export function echo(type: number, id: number, seq: number, payload: number[], checksum = true): number[] {
  const msg = [type, 0, 0, 0, ...u16(id), ...u16(seq), ...payload];
  if (checksum) {
    const sum = referenceChecksum(Uint8Array.from(msg));
    msg[2] = sum >> 8;
    msg[3] = sum & 0xff;
  }
  return msg;
}

export function udp(srcPort: number, dstPort: number, payload: number[]): number[] {
  const len = 8 + payload.length;
  return [...u16(srcPort), ...u16(dstPort), ...u16(len), 0, 0, ...payload];
}

/** An ICMP error (time exceeded / unreachable) quoting `quoted` (an IP packet, possibly cut). */
export function icmpError(type: number, code: number, quoted: number[]): number[] {
  return [type, code, 0, 0, 0, 0, 0, 0, ...quoted];
}

export function buf(bytes: number[]): Buffer {
  return Buffer.from(bytes);
}
