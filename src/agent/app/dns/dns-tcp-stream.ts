import type { AppPayload } from '../../contract.js';
import { SequenceCursor } from '../tcp-sequence.js';
import { DnsError } from './dns-errors.js';

/** Where a stream hands its messages and errors (the decoder, which knows the flow and the sink). */
export interface DnsStreamTarget {
  /**
   * A whole message: `buf[start..have)` holds its first bytes, `wireLength` its length as sent;
   * reading past `have` counts `cutReason` (`DnsError.none`: the loss was counted already).
   */
  streamMessage(buf: Uint8Array, start: number, have: number, wireLength: number, cutReason: number): void;
  streamError(reason: number): void;
}

/**
 * One direction of DNS over TCP: messages framed by a 2-byte length (RFC 1035 4.2.2), possibly
 * split across segments or several to a segment. A message whole in one segment is handed over
 * in place; one split across segments is gathered into a small buffer, allocated on first need and
 * bounded (a longer message is handed over cut: its first `capacity` bytes). Retransmitted bytes
 * are skipped by sequence number. Bytes lost (a gap in the sequence, or cut by the snap length)
 * inside a message only cut that message; lost at a message boundary, they lose the framing, and
 * the next segment is taken to start a message.
 */
export class DnsTcpStream {
  private readonly cursor = new SequenceCursor();
  /** Bytes of the length prefix read so far (0, 1 or 2), and the length. */
  private prefix = 0;
  private length = 0;
  /** Bytes of the current message consumed (or lost), and those of them kept in `held`. */
  private got = 0;
  private kept = 0;
  private held: Uint8Array | null = null;
  /** Set when bytes of the current message were lost: nothing after them is kept. */
  private holed = false;

  constructor(private readonly capacity: number) {}

  push(p: AppPayload, target: DnsStreamTarget): void {
    const cursor = this.cursor;
    const skip = cursor.accept(p.seq, p.wireLength);
    if (skip < 0) return;
    if (cursor.gap > 0) this.lose(cursor.gap, DnsError.tcpGap, target);
    const start = p.start + skip;
    const wire = p.wireLength - skip;
    const captured = Math.max(0, Math.min(p.end - start, wire));
    this.consume(p.buf, start, start + captured, target);
    if (captured < wire && !this.lose(wire - captured, DnsError.captureCut, target)) cursor.started = false;
  }

  private consume(buf: Uint8Array, i: number, end: number, target: DnsStreamTarget): void {
    while (i < end) {
      if (this.prefix < 2) {
        if (this.prefix === 0 && end - i >= 2) {
          this.length = (buf[i]! << 8) | buf[i + 1]!;
          i += 2;
          this.prefix = 2;
        } else {
          this.length = this.prefix === 0 ? buf[i]! << 8 : this.length | buf[i]!;
          this.prefix++;
          i++;
        }
        continue;
      }
      if (this.got === 0 && end - i >= this.length) {
        target.streamMessage(buf, i, i + this.length, this.length, DnsError.tcpMessageCut);
        i += this.length;
        this.prefix = 0;
        continue;
      }
      const take = Math.min(this.length - this.got, end - i);
      const keep = this.holed ? 0 : Math.min(take, this.capacity - this.kept);
      if (keep > 0) {
        this.held ??= new Uint8Array(this.capacity);
        this.held.set(buf.subarray(i, i + keep), this.kept);
        this.kept += keep;
      }
      this.got += take;
      i += take;
      if (this.got === this.length) this.complete(target);
    }
  }

  /**
   * Counts `n` lost bytes (`reason`). Returns true when they fell inside the current message,
   * which is cut there; false when the framing was lost (the message in progress is dropped).
   */
  private lose(n: number, reason: number, target: DnsStreamTarget): boolean {
    target.streamError(reason);
    if (this.prefix === 2 && this.length - this.got >= n) {
      this.got += n;
      this.holed = true;
      if (this.got === this.length) this.complete(target);
      return true;
    }
    this.restart();
    return false;
  }

  private complete(target: DnsStreamTarget): void {
    const cut = this.holed ? DnsError.none : DnsError.tcpMessageCut;
    if (this.kept > 0) target.streamMessage(this.held!, 0, this.kept, this.length, cut);
    this.restart();
  }

  private restart(): void {
    this.prefix = 0;
    this.length = 0;
    this.got = 0;
    this.kept = 0;
    this.holed = false;
  }
}
