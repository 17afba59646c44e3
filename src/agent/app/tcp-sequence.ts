/**
 * In-order delivery of one direction of a TCP stream to a decoder that parses in place: by the
 * segments' sequence numbers it drops what was already delivered (retransmissions, duplicates),
 * trims overlaps, and reports the bytes skipped when a segment starts past the expected one (a
 * loss, a reordering, or a capture that missed packets). The decoder decides whether skipped
 * bytes cost it its place (inside a body it just counts them off; inside headers it resynchronises).
 * The first segment seen starts the stream wherever it is.
 */
export class SequenceCursor {
  /** The sequence number of the next byte expected. */
  next = 0;
  started = false;
  /** Bytes missing just before the segment last accepted (0: contiguous). */
  gap = 0;

  /**
   * Takes a segment of `length` payload bytes (as sent) starting at `seq`. Returns the offset of
   * the first new byte within the segment, or -1 when it holds nothing new.
   */
  accept(seq: number, length: number): number {
    this.gap = 0;
    if (!this.started) {
      this.started = true;
      this.next = (seq + length) >>> 0;
      return 0;
    }
    const diff = (seq - this.next) | 0;
    if (diff >= 0) {
      this.gap = diff;
      this.next = (seq + length) >>> 0;
      return 0;
    }
    if (diff + length <= 0) return -1;
    this.next = (seq + length) >>> 0;
    return -diff;
  }
}
