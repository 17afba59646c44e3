import type { FormatParser, PacketHandler, ParserContext } from './format.js';
import { ticksToMs, unitsPerSecondOf } from './timestamp.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2; // obsolete Packet Block
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** The largest block accepted: a packet of the largest size plus its block and options. */
const BLOCK_SLACK = 64 * 1024;

export function isPcapngMagic(b0: number, b1: number, b2: number, b3: number): boolean {
  return b0 === 0x0a && b1 === 0x0d && b2 === 0x0d && b3 === 0x0a;
}

/**
 * pcapng: blocks of (type, total length, body, total length). Section header blocks set the byte
 * order and reset the interfaces; interface description blocks give each interface its link type,
 * snap length and timestamp resolution; EPB, SPB and the obsolete PB carry packets; every other
 * block is skipped by its length.
 */
export class PcapngParser implements FormatParser {
  readonly format = 'pcapng';
  need = 12;
  stopped = false;
  halted = false;
  private littleEndian = true;
  private inSection = false;
  // Per interface, in IDB order within the current section.
  private readonly linkTypes: number[] = [];
  private readonly snapLens: number[] = [];
  private readonly unitsPerSecond: number[] = [];
  private readonly offsetSeconds: number[] = [];

  constructor(private readonly ctx: ParserContext) {}

  parse(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    end: number,
    base: number,
    onPacket: PacketHandler,
  ): number {
    const stats = this.ctx.stats;
    const maxBlock = this.ctx.maxPacket + BLOCK_SLACK;
    for (;;) {
      if (end - pos < 12) {
        this.need = 12;
        return pos;
      }
      const type = view.getUint32(pos, this.littleEndian);
      if (type === SHB) {
        const bom = view.getUint32(pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (bom === 0x4d3c2b1a) this.littleEndian = false;
        else {
          stats.error('bad_header', `pcapng section header at offset ${base + pos}: bad byte-order magic`);
          this.stopped = true;
          return pos;
        }
      } else if (!this.inSection) {
        stats.error('bad_header', `offset ${base + pos}: pcapng file does not start with a section header`);
        this.stopped = true;
        return pos;
      }
      const le = this.littleEndian;
      const length = view.getUint32(pos + 4, le);
      if (length < 12 || length % 4 !== 0 || length > maxBlock) {
        stats.error(
          'bad_block',
          `pcapng block of type ${type} at offset ${base + pos} has an impossible length ${length}: the file is corrupt from there`,
        );
        this.stopped = true;
        return pos;
      }
      if (end - pos < length) {
        this.need = length;
        return pos;
      }
      if (view.getUint32(pos + length - 4, le) !== length) {
        stats.error(
          'bad_block',
          `pcapng block of type ${type} at offset ${base + pos}: trailing length differs from leading length ${length}`,
        );
        this.stopped = true;
        return pos;
      }
      let more: unknown = true;
      switch (type) {
        case SHB:
          this.startSection();
          break;
        case IDB:
          this.addInterface(view, pos, length, base);
          break;
        case EPB:
        case PB:
          more = this.packetBlock(type, buf, view, pos, length, base, onPacket);
          break;
        case SPB:
          more = this.simplePacketBlock(buf, view, pos, length, base, onPacket);
          break;
        default:
          break; // statistics, name resolution, decryption secrets, custom blocks: skipped
      }
      pos += length;
      if (more === false) {
        this.halted = true;
        return pos;
      }
    }
  }

  private startSection(): void {
    this.inSection = true;
    this.linkTypes.length = 0;
    this.snapLens.length = 0;
    this.unitsPerSecond.length = 0;
    this.offsetSeconds.length = 0;
  }

  private addInterface(view: DataView, pos: number, length: number, base: number): void {
    const le = this.littleEndian;
    if (length < 20) {
      this.ctx.stats.error('bad_block', `pcapng interface block at offset ${base + pos} is too short`);
      return;
    }
    let units = 1e6;
    let offset = 0;
    const end = pos + length - 4;
    for (let o = pos + 16; o + 4 <= end; ) {
      const code = view.getUint16(o, le);
      const len = view.getUint16(o + 2, le);
      if (code === 0 || o + 4 + len > end) break;
      if (code === OPT_IF_TSRESOL && len >= 1) units = unitsPerSecondOf(view.getUint8(o + 4));
      if (code === OPT_IF_TSOFFSET && len >= 8) {
        const hi = le ? view.getInt32(o + 8, true) : view.getInt32(o + 4, false);
        const lo = le ? view.getUint32(o + 4, true) : view.getUint32(o + 8, false);
        offset = hi * 4294967296 + lo;
      }
      o += 4 + ((len + 3) & ~3);
    }
    this.linkTypes.push(view.getUint16(pos + 8, le));
    this.snapLens.push(view.getUint32(pos + 12, le));
    this.unitsPerSecond.push(units);
    this.offsetSeconds.push(offset);
  }

  private packetBlock(
    type: number,
    buf: Uint8Array,
    view: DataView,
    pos: number,
    length: number,
    base: number,
    onPacket: PacketHandler,
  ): unknown {
    const le = this.littleEndian;
    const stats = this.ctx.stats;
    const name = type === EPB ? 'enhanced packet block' : 'packet block';
    if (length < 32) {
      stats.error('bad_block', `pcapng ${name} at offset ${base + pos} is too short (${length} bytes)`);
      return true;
    }
    const iface = type === EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
    if (iface >= this.linkTypes.length) {
      stats.error('unknown_interface', `pcapng ${name} at offset ${base + pos}: no interface ${iface}`);
      return true;
    }
    const captured = view.getUint32(pos + 20, le);
    if (captured > length - 32) {
      stats.error(
        'bad_record_length',
        `pcapng ${name} at offset ${base + pos}: ${captured} captured bytes do not fit its ${length}-byte block`,
      );
      return true;
    }
    const timestampMs = ticksToMs(
      view.getUint32(pos + 12, le),
      view.getUint32(pos + 16, le),
      this.unitsPerSecond[iface]!,
      this.offsetSeconds[iface]!,
    );
    stats.packets++;
    stats.bytes += captured;
    return onPacket(
      buf,
      pos + 28,
      captured,
      timestampMs,
      this.linkTypes[iface]!,
      view.getUint32(pos + 24, le),
    );
  }

  /** SPB: interface 0, no timestamp (reported as 0), captured length implied by the block. */
  private simplePacketBlock(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    length: number,
    base: number,
    onPacket: PacketHandler,
  ): unknown {
    const stats = this.ctx.stats;
    if (length < 16) {
      stats.error('bad_block', `pcapng simple packet block at offset ${base + pos} is too short`);
      return true;
    }
    if (this.linkTypes.length === 0) {
      stats.error('unknown_interface', `pcapng simple packet block at offset ${base + pos}: no interface 0`);
      return true;
    }
    const original = view.getUint32(pos + 8, this.littleEndian);
    const snapLen = this.snapLens[0]!;
    let captured = Math.min(original, length - 16);
    if (snapLen > 0 && captured > snapLen) captured = snapLen;
    stats.packets++;
    stats.bytes += captured;
    return onPacket(buf, pos + 12, captured, 0, this.linkTypes[0]!, original);
  }
}
