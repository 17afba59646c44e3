/**
 * Builds capture files for tests: classic pcap and pcapng (either byte order, several interfaces,
 * EPB, SPB, the obsolete PB, unknown blocks), and link-layer rewrites of Ethernet frames. tshark
 * reads what these write, so it stays the oracle.
 */
import { readCaptureFile } from '../../src/capture/reader.js';

export interface TestPacket {
  /** Capture time in microseconds since the epoch. */
  readonly micros: bigint;
  readonly data: Uint8Array;
  readonly originalLength: number;
  readonly linkType: number;
}

/** The packets of a capture, copied. */
export async function loadPackets(file: string): Promise<TestPacket[]> {
  const packets: TestPacket[] = [];
  await readCaptureFile(file, (buf, offset, length, ms, linkType, originalLength) => {
    packets.push({
      micros: BigInt(Math.round(ms * 1000)),
      data: buf.slice(offset, offset + length),
      originalLength,
      linkType,
    });
  });
  return packets;
}

class Bytes {
  private readonly parts: Buffer[] = [];
  constructor(private readonly bigEndian: boolean) {}
  u8(v: number): this {
    this.parts.push(Buffer.from([v]));
    return this;
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    this.bigEndian ? b.writeUInt16BE(v) : b.writeUInt16LE(v);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    this.bigEndian ? b.writeUInt32BE(v >>> 0) : b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  u64(v: bigint): this {
    return this.u32(Number(v >> 32n)).u32(Number(v & 0xffffffffn));
  }
  /** Two 32-bit halves, high first (pcapng timestamps). */
  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  pad4(): this {
    const n = this.length() % 4;
    if (n !== 0) this.parts.push(Buffer.alloc(4 - n));
    return this;
  }
  length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface PcapOptions {
  readonly bigEndian?: boolean;
  readonly nano?: boolean;
  readonly snaplen?: number;
}

export function writePcap(
  packets: readonly TestPacket[],
  linkType: number,
  options: PcapOptions = {},
): Buffer {
  const be = options.bigEndian ?? false;
  const w = new Bytes(be)
    .u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(options.snaplen ?? 262144)
    .u32(linkType);
  for (const p of packets) {
    const perSecond = options.nano ? 1_000_000_000n : 1_000_000n;
    const ticks = options.nano ? p.micros * 1000n : p.micros;
    w.u32(Number(ticks / perSecond))
      .u32(Number(ticks % perSecond))
      .u32(p.data.length)
      .u32(p.originalLength)
      .raw(p.data);
  }
  return w.done();
}

/** pcapng blocks, built for one section's byte order. */
export class PcapngBuilder {
  private readonly blocks: Buffer[] = [];
  constructor(private readonly bigEndian = false) {}

  private block(type: number, body: (w: Bytes) => void): this {
    const w = new Bytes(this.bigEndian);
    body(w);
    w.pad4();
    const total = w.length() + 12;
    const out = new Bytes(this.bigEndian).u32(type).u32(total).raw(w.done()).u32(total);
    this.blocks.push(out.done());
    return this;
  }

  section(): this {
    return this.block(0x0a0d0d0a, (w) => w.u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff));
  }

  /** `tsresol` as the if_tsresol byte (6: microseconds, 9: nanoseconds, 0x80|n: 2^-n). */
  interface(linkType: number, tsresol?: number, snaplen = 0, tsoffset?: bigint): this {
    return this.block(1, (w) => {
      w.u16(linkType).u16(0).u32(snaplen);
      if (tsresol !== undefined) w.u16(9).u16(1).u8(tsresol).pad4();
      if (tsoffset !== undefined) {
        w.u16(14).u16(8);
        // A 64-bit option value in the section's byte order.
        if (this.bigEndian) w.u32(Number(tsoffset >> 32n)).u32(Number(tsoffset & 0xffffffffn));
        else w.u32(Number(tsoffset & 0xffffffffn)).u32(Number(tsoffset >> 32n));
      }
      if (tsresol !== undefined || tsoffset !== undefined) w.u16(0).u16(0);
    });
  }

  enhanced(iface: number, ticks: bigint, p: TestPacket): this {
    return this.block(6, (w) =>
      w
        .u32(iface)
        .u64(ticks)
        .u32(p.data.length)
        .u32(p.originalLength)
        .raw(p.data)
        .pad4()
        .u16(1)
        .u16(5)
        .raw(Buffer.from('hello'))
        .pad4()
        .u16(0)
        .u16(0),
    );
  }

  obsolete(iface: number, ticks: bigint, p: TestPacket): this {
    return this.block(2, (w) =>
      w.u16(iface).u16(0).u64(ticks).u32(p.data.length).u32(p.originalLength).raw(p.data),
    );
  }

  simple(p: TestPacket): this {
    return this.block(3, (w) => w.u32(p.originalLength).raw(p.data));
  }

  /** A block the reader skips by its length; `fill` is its body's byte. */
  unknown(type: number, size: number, fill = 0): this {
    return this.block(type, (w) => w.raw(new Uint8Array(size).fill(fill)));
  }

  done(): Buffer {
    return Buffer.concat(this.blocks);
  }
}

/** Ways to re-frame an Ethernet frame; the IP packet inside stays byte for byte. */
export type Reframe = 'sll' | 'sll2' | 'null-le' | 'null-be' | 'loop' | 'vlan' | 'qinq';

export const reframeLinkType: Record<Reframe, number> = {
  sll: 113,
  sll2: 276,
  'null-le': 0,
  'null-be': 0,
  loop: 108,
  vlan: 1,
  qinq: 1,
};

export function reframe(p: TestPacket, to: Reframe): TestPacket {
  const d = Buffer.from(p.data);
  const etherType = d.readUInt16BE(12);
  const ip = d.subarray(14);
  const v6 = etherType === 0x86dd;
  let head: Buffer;
  switch (to) {
    case 'sll':
      head = Buffer.alloc(16);
      head.writeUInt16BE(0, 0);
      head.writeUInt16BE(1, 2);
      head.writeUInt16BE(6, 4);
      d.copy(head, 6, 6, 12);
      head.writeUInt16BE(etherType, 14);
      break;
    case 'sll2':
      head = Buffer.alloc(20);
      head.writeUInt16BE(etherType, 0);
      head.writeUInt32BE(1, 4);
      head.writeUInt16BE(1, 8);
      head[10] = 0;
      head[11] = 6;
      d.copy(head, 12, 6, 12);
      break;
    case 'null-le':
      head = Buffer.alloc(4);
      head.writeUInt32LE(v6 ? 24 : 2);
      break;
    case 'null-be':
      head = Buffer.alloc(4);
      head.writeUInt32BE(v6 ? 30 : 2);
      break;
    case 'loop':
      head = Buffer.alloc(4);
      head.writeUInt32BE(v6 ? 24 : 2);
      break;
    case 'vlan':
      head = Buffer.concat([d.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x2a]), d.subarray(12, 14)]);
      break;
    case 'qinq':
      head = Buffer.concat([
        d.subarray(0, 12),
        Buffer.from([0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x2a]),
        d.subarray(12, 14),
      ]);
      break;
  }
  const data = Buffer.concat([head, ip]);
  return {
    micros: p.micros,
    data,
    originalLength: p.originalLength + data.length - d.length,
    linkType: reframeLinkType[to],
  };
}
