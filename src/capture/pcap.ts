import type { FormatParser, PacketHandler, ParserContext } from './format.js';

export const PCAP_FILE_HEADER = 24;

/** Classic pcap magic numbers as read big-endian from the first four bytes. */
const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
/** Alexey Kuznetsov's patched libpcap: 8 more bytes (ifindex, protocol, type) per record. */
const MAGIC_MODIFIED = 0xa1b2cd34;

export function isPcapMagic(b0: number, b1: number, b2: number, b3: number): boolean {
  const be = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  const le = ((b3 << 24) | (b2 << 16) | (b1 << 8) | b0) >>> 0;
  return [MAGIC_MICRO, MAGIC_NANO, MAGIC_MODIFIED].some((m) => m === be || m === le);
}

/** Classic libpcap format: a 24-byte file header, then 16-byte record headers each with its packet. */
export class PcapParser implements FormatParser {
  readonly format = 'pcap';
  need = PCAP_FILE_HEADER;
  stopped = false;
  halted = false;
  private headerRead = false;
  private littleEndian = false;
  private fractionPerMs = 1000;
  private recordHeader = 16;
  private linkType = 0;
  private maxCaptured = 0;

  constructor(private readonly ctx: ParserContext) {}

  parse(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    end: number,
    base: number,
    onPacket: PacketHandler,
  ): number {
    if (!this.headerRead) {
      if (end - pos < PCAP_FILE_HEADER) {
        this.need = PCAP_FILE_HEADER;
        return pos;
      }
      if (!this.readHeader(view, pos, base)) return pos;
      pos += PCAP_FILE_HEADER;
    }
    const le = this.littleEndian;
    const header = this.recordHeader;
    const linkType = this.linkType;
    const perMs = this.fractionPerMs;
    const stats = this.ctx.stats;
    for (;;) {
      if (end - pos < header) {
        this.need = header;
        return pos;
      }
      const captured = view.getUint32(pos + 8, le);
      if (captured > this.maxCaptured) {
        stats.error(
          'bad_record_length',
          `pcap record at offset ${base + pos} claims ${captured} captured bytes, more than the ${this.maxCaptured}-byte limit: the file is corrupt from there`,
        );
        this.stopped = true;
        return pos;
      }
      if (end - pos < header + captured) {
        this.need = header + captured;
        return pos;
      }
      const timestampMs = view.getUint32(pos, le) * 1000 + view.getUint32(pos + 4, le) / perMs;
      const original = view.getUint32(pos + 12, le);
      stats.packets++;
      stats.bytes += captured;
      const more = onPacket(buf, pos + header, captured, timestampMs, linkType, original);
      pos += header + captured;
      if (more === false) {
        this.halted = true;
        return pos;
      }
    }
  }

  private readHeader(view: DataView, pos: number, base: number): boolean {
    const be = view.getUint32(pos, false);
    const le = view.getUint32(pos, true);
    const magic = [MAGIC_MICRO, MAGIC_NANO, MAGIC_MODIFIED].find((m) => m === be || m === le);
    if (magic === undefined) {
      this.ctx.stats.error('not_a_capture', `offset ${base + pos}: not a pcap file header`);
      this.stopped = true;
      return false;
    }
    this.littleEndian = magic === le;
    this.fractionPerMs = magic === MAGIC_NANO ? 1e6 : 1e3;
    this.recordHeader = magic === MAGIC_MODIFIED ? 24 : 16;
    const major = view.getUint16(pos + 4, this.littleEndian);
    if (major !== 2) {
      this.ctx.stats.error('bad_header', `pcap file header: unsupported version ${major}`);
      this.stopped = true;
      return false;
    }
    const snaplen = view.getUint32(pos + 16, this.littleEndian);
    // Link type in the low 16 bits; the high bits may carry FCS information.
    this.linkType = view.getUint32(pos + 20, this.littleEndian) & 0xffff;
    this.maxCaptured = Math.max(this.ctx.maxPacket, Math.min(snaplen, 16 * this.ctx.maxPacket));
    this.headerRead = true;
    return true;
  }
}
