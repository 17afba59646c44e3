import type { CaptureStats } from './errors.js';

/**
 * Called once per packet with the captured bytes `buf[offset..offset+length)`. `buf` is the
 * reader's reused buffer: use the bytes before returning, never keep a reference (copy what must
 * outlive the call). Return `false` to stop reading.
 */
export type PacketHandler = (
  buf: Uint8Array,
  offset: number,
  length: number,
  timestampMs: number,
  linkType: number,
  originalLength: number,
) => unknown;

/**
 * A capture file format, parsed in place from a window of the file. `parse` handles every whole
 * record in `buf[pos..end)` and returns where it stopped; when the next record is incomplete it
 * sets `need` to the bytes that record needs from there, so the reader can refill and call again.
 */
export interface FormatParser {
  readonly format: 'pcap' | 'pcapng';
  need: number;
  /** Set when the framing is lost and reading cannot go on (the error is already counted). */
  stopped: boolean;
  /** Set when the handler returned false. */
  halted: boolean;
  /**
   * `base` is the file offset of `buf[0]`, for error messages. `view` views all of `buf`.
   */
  parse(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    end: number,
    base: number,
    onPacket: PacketHandler,
  ): number;
}

export interface ParserContext {
  readonly stats: CaptureStats;
  /** The largest packet record accepted, in bytes. */
  readonly maxPacket: number;
}
