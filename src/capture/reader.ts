import { CaptureStats } from './errors.js';
import type { FormatParser, PacketHandler } from './format.js';
import { isPcapMagic, PcapParser } from './pcap.js';
import { isPcapngMagic, PcapngParser } from './pcapng.js';
import { type ByteSource, FileSource, StreamSource } from './source.js';

export type { PacketHandler } from './format.js';

export interface CaptureReaderConfig {
  /** Initial size of the reused read buffer (it grows only for a record larger than itself). */
  readonly bufferSize: number;
  /** Largest packet record accepted (libpcap's limit by default). */
  readonly maxPacket: number;
}

export const defaultCaptureReaderConfig: CaptureReaderConfig = {
  bufferSize: 1 << 20,
  maxPacket: 262_144,
};

export interface CaptureSummary {
  /** The detected format; undefined when the input is not a capture (or is empty). */
  readonly format: 'pcap' | 'pcapng' | undefined;
  readonly stats: CaptureStats;
  /** True when reading reached the end of the input without losing the framing. */
  readonly complete: boolean;
}

/**
 * Streams the packets of a pcap or pcapng capture to a handler, reading the source in chunks into
 * one reused buffer: the handler sees each packet in place. A truncated or corrupt capture is
 * counted in `stats` (with the first error's message) and ends the read; it never throws for bad
 * content. Errors of the source itself (an I/O error) do reject.
 */
export class CaptureReader {
  readonly stats = new CaptureStats();
  private buf: Uint8Array;
  private view: DataView;

  constructor(
    private readonly source: ByteSource,
    private readonly config: CaptureReaderConfig = defaultCaptureReaderConfig,
  ) {
    this.buf = new Uint8Array(Math.max(4096, config.bufferSize));
    this.view = new DataView(this.buf.buffer);
  }

  async read(onPacket: PacketHandler): Promise<CaptureSummary> {
    const stats = this.stats;
    let parser: FormatParser | undefined;
    let pos = 0;
    let end = 0;
    let base = 0;
    let eof = false;
    let need = 4;
    for (;;) {
      if (parser === undefined && end - pos >= 4) {
        parser = this.detect(pos);
        if (parser === undefined) return { format: undefined, stats, complete: false };
      }
      if (parser !== undefined) {
        pos = parser.parse(this.buf, this.view, pos, end, base, onPacket);
        if (parser.stopped) return { format: parser.format, stats, complete: false };
        if (parser.halted) return { format: parser.format, stats, complete: true };
        need = parser.need;
      }
      if (eof) return this.finish(parser, pos, end, base, need);
      if (pos > 0) {
        this.buf.copyWithin(0, pos, end);
        base += pos;
        end -= pos;
        pos = 0;
      }
      if (need > this.buf.length) this.grow(need);
      // Read until the pending record is whole (or the source ends), then parse again.
      while (end < need) {
        const n = await this.source.read(this.buf, end, this.buf.length - end);
        if (n === 0) {
          eof = true;
          break;
        }
        end += n;
      }
    }
  }

  private detect(pos: number): FormatParser | undefined {
    const b = this.buf;
    const ctx = { stats: this.stats, maxPacket: this.config.maxPacket };
    if (isPcapngMagic(b[pos]!, b[pos + 1]!, b[pos + 2]!, b[pos + 3]!)) return new PcapngParser(ctx);
    if (isPcapMagic(b[pos]!, b[pos + 1]!, b[pos + 2]!, b[pos + 3]!)) return new PcapParser(ctx);
    this.stats.error('not_a_capture', 'not a pcap or pcapng capture (unknown magic number)');
    return undefined;
  }

  private finish(
    parser: FormatParser | undefined,
    pos: number,
    end: number,
    base: number,
    need: number,
  ): CaptureSummary {
    const left = end - pos;
    if (parser === undefined) {
      this.stats.error(
        left === 0 ? 'not_a_capture' : 'truncated',
        left === 0 ? 'empty input: not a capture' : `input ends after ${left} bytes, inside the file header`,
      );
      return { format: undefined, stats: this.stats, complete: false };
    }
    if (left === 0) return { format: parser.format, stats: this.stats, complete: true };
    this.stats.error(
      'truncated',
      `${parser.format} capture truncated: it ends at offset ${base + end}, ${left} bytes into a ${need}-byte ${
        base + pos === 0 ? 'file header' : 'record'
      } that starts at offset ${base + pos}`,
    );
    return { format: parser.format, stats: this.stats, complete: false };
  }

  private grow(need: number): void {
    let size = this.buf.length;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf);
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

/**
 * Opens a capture file. Rejects when the file cannot be opened; otherwise resolves a reader
 * whose `read` handles everything about the content. Call `close` when done.
 */
export async function openCaptureFile(
  path: string,
  config?: CaptureReaderConfig,
): Promise<{ reader: CaptureReader; close: () => Promise<void> }> {
  const source = await FileSource.open(path);
  return { reader: new CaptureReader(source, config), close: () => source.close() };
}

/** Reads a whole capture file; rejects only if it cannot be opened or read. */
export async function readCaptureFile(
  path: string,
  onPacket: PacketHandler,
  config?: CaptureReaderConfig,
): Promise<CaptureSummary> {
  const { reader, close } = await openCaptureFile(path, config);
  try {
    return await reader.read(onPacket);
  } finally {
    await close();
  }
}

/** Reads a capture from a stream (stdin, a pipe from `tcpdump -w - -U`). */
export function readCaptureStream(
  stream: AsyncIterable<Uint8Array | string>,
  onPacket: PacketHandler,
  config?: CaptureReaderConfig,
): Promise<CaptureSummary> {
  return new CaptureReader(new StreamSource(stream), config).read(onPacket);
}
