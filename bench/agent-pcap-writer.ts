import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Streams a classic pcap file (microsecond timestamps, Ethernet) of Ethernet/IPv4|IPv6 packets
 * with TCP, UDP or ICMP headers, through one reused buffer. A packet's IP and transport lengths
 * are what was sent; its captured bytes may be fewer (`capture` below), as a capture that slices
 * payload it does not need.
 */

export const ETH = 14;
const CHUNK = 8 << 20;
const RECORD = 16;
export const TCP_SYN_OPTIONS = 20;
export const TCP_TS_OPTIONS = 12;

/** One endpoint pair of a flow: addresses (4 or 16 bytes), both the same family. */
export interface Hosts {
  readonly v6: boolean;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

export class PcapStreamWriter {
  packets = 0;
  /** Bytes written to the file (headers included). */
  fileBytes = 0;
  /** IP bytes as sent (the flows' byte counts). */
  wireBytes = 0;
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private ipId = 1;
  private o = 0;
  private recordStart = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    const h = this.buf;
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(65535, 16);
    h.writeUInt32LE(1, 20);
    this.pos = 24;
  }

  /**
   * A TCP segment from `src` to `dst` (`fromA`: from hosts.a). `options`: 0 none, 20 a SYN's (MSS,
   * SACK permitted, timestamps, window scale 7), 12 timestamps. `payload` bytes are copied first
   * (then zeros) up to what is captured: at most `capture` bytes of the frame.
   */
  tcp(
    tMs: number,
    h: Hosts,
    fromA: boolean,
    sport: number,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    window: number,
    options: number,
    payload: Uint8Array | undefined,
    length: number,
    capture: number,
  ): void {
    const l4 = 20 + options;
    this.ip(tMs, h, fromA, 6, l4 + length, capture);
    const b = this.buf;
    let o = this.o;
    b.writeUInt16BE(sport, o);
    b.writeUInt16BE(dport, o + 2);
    b.writeUInt32BE(seq >>> 0, o + 4);
    b.writeUInt32BE(ack >>> 0, o + 8);
    b[o + 12] = (l4 / 4) << 4;
    b[o + 13] = flags;
    b.writeUInt16BE(window, o + 14);
    b.writeUInt32BE(0, o + 16);
    o += 20;
    if (options === TCP_SYN_OPTIONS) {
      b.set(SYN_OPTIONS, o);
      b.writeUInt32BE((tMs * 1000) >>> 0, o + 8);
    } else if (options === TCP_TS_OPTIONS) {
      b.set(TS_OPTIONS, o);
      b.writeUInt32BE((tMs * 1000) >>> 0, o + 4);
      b.writeUInt32BE((tMs * 997) >>> 0, o + 8);
    }
    this.o = o + options;
    this.payload(payload, length);
  }

  udp(
    tMs: number,
    h: Hosts,
    fromA: boolean,
    sport: number,
    dport: number,
    payload: Uint8Array | undefined,
    length: number,
    capture: number,
  ): void {
    this.ip(tMs, h, fromA, 17, 8 + length, capture);
    const b = this.buf;
    const o = this.o;
    b.writeUInt16BE(sport, o);
    b.writeUInt16BE(dport, o + 2);
    b.writeUInt16BE(8 + length, o + 4);
    b.writeUInt16BE(0, o + 6);
    this.o = o + 8;
    this.payload(payload, length);
  }

  /** ICMP or ICMPv6 (by the hosts' family): type, code, then 4 bytes (echo id and sequence). */
  icmp(
    tMs: number,
    h: Hosts,
    fromA: boolean,
    type: number,
    code: number,
    rest: number,
    body: Uint8Array,
  ): void {
    this.ip(tMs, h, fromA, h.v6 ? 58 : 1, 8 + body.length, 1 << 16);
    const b = this.buf;
    const o = this.o;
    b[o] = type;
    b[o + 1] = code;
    b.writeUInt16BE(0, o + 2);
    b.writeUInt32BE(rest >>> 0, o + 4);
    this.o = o + 8;
    this.payload(body, body.length);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** Record header, Ethernet and IP header; leaves `o` at the transport header. */
  private ip(
    tMs: number,
    h: Hosts,
    fromA: boolean,
    protocol: number,
    l4Length: number,
    capture: number,
  ): void {
    if (this.pos + RECORD + 1600 > CHUNK) this.flush();
    const b = this.buf;
    const r = this.pos;
    this.recordStart = r;
    const sec = Math.floor(tMs / 1000);
    b.writeUInt32LE(sec, r);
    b.writeUInt32LE(Math.min(999_999, Math.round((tMs - sec * 1000) * 1000)), r + 4);
    const ipLength = (h.v6 ? 40 : 20) + l4Length;
    const frame = ETH + ipLength;
    const captured = Math.min(frame, capture, 1600);
    b.writeUInt32LE(captured, r + 8);
    b.writeUInt32LE(frame, r + 12);
    let o = r + RECORD;
    b.set(fromA ? MACS_AB : MACS_BA, o);
    b.writeUInt16BE(h.v6 ? 0x86dd : 0x0800, o + 12);
    o += ETH;
    const src = fromA ? h.a : h.b;
    const dst = fromA ? h.b : h.a;
    if (h.v6) {
      b.writeUInt32BE(0x60000000, o);
      b.writeUInt16BE(l4Length, o + 4);
      b[o + 6] = protocol;
      b[o + 7] = fromA ? 64 : 57;
      b.set(src, o + 8);
      b.set(dst, o + 24);
      o += 40;
    } else {
      b[o] = 0x45;
      b[o + 1] = 0;
      b.writeUInt16BE(ipLength, o + 2);
      b.writeUInt16BE(this.ipId, o + 4);
      this.ipId = (this.ipId + 1) & 0xffff;
      b.writeUInt16BE(0x4000, o + 6);
      b[o + 8] = fromA ? 64 : 53;
      b[o + 9] = protocol;
      b.writeUInt16BE(0, o + 10);
      b.set(src, o + 12);
      b.set(dst, o + 16);
      b.writeUInt16BE(checksum(b, o, 20), o + 10);
      o += 20;
    }
    this.o = o;
    this.packets++;
    this.wireBytes += ipLength;
  }

  /** Payload bytes up to the captured length, then the record is done. */
  private payload(payload: Uint8Array | undefined, length: number): void {
    const b = this.buf;
    const r = this.recordStart;
    const end = r + RECORD + b.readUInt32LE(r + 8);
    const room = end - this.o;
    if (room > 0) {
      const n = Math.min(room, payload?.length ?? 0, length);
      if (n > 0) b.set(payload!.subarray(0, n), this.o);
      b.fill(0, this.o + n, end);
    }
    this.pos = end;
  }

  private flush(): void {
    let done = 0;
    while (done < this.pos) done += writeSync(this.fd, this.buf, done, this.pos - done);
    this.fileBytes += this.pos;
    this.pos = 0;
  }
}

const MACS_AB = Buffer.from('02000000000b02000000000a', 'hex');
const MACS_BA = Buffer.from('02000000000a02000000000b', 'hex');
/** MSS 1460, SACK permitted, timestamps (value patched), NOP, window scale 7. */
const SYN_OPTIONS = Buffer.from('020405b40402080a000000000000000001030307', 'hex');
/** NOP, NOP, timestamps (values patched). */
const TS_OPTIONS = Buffer.from('0101080a0000000000000000', 'hex');

function checksum(b: Buffer, o: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 2) sum += (b[o + i]! << 8) | b[o + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
