import { DnsError } from './dns-errors.js';
import type { TextBuffer } from './text-buffer.js';

const MAX_NAME = 255;
/** More pointer hops than a 255-byte name has labels can only be a loop. */
const MAX_HOPS = 128;

/**
 * Bounds-checked reads from one DNS message in place: `buf[msg..have)` was captured of a message
 * `wireEnd - msg` bytes long. A failed read returns -1 (or false) and leaves the reason in `error`.
 */
export class DnsReader {
  buf: Uint8Array = new Uint8Array(0);
  msg = 0;
  have = 0;
  wireEnd = 0;
  /** The reason given when a read needs bytes that were sent but are not here (`none`: counted already). */
  cutReason: number = DnsError.captureCut;
  error: number = DnsError.none;

  reset(buf: Uint8Array, msg: number, have: number, wireEnd: number, cutReason: number): void {
    this.buf = buf;
    this.msg = msg;
    this.have = have;
    this.wireEnd = wireEnd;
    this.cutReason = cutReason;
    this.error = DnsError.none;
  }

  /** Whether `n` bytes at `pos` are here; otherwise sets `error` (truncated or cut). */
  need(pos: number, n: number): boolean {
    if (pos + n <= this.have) return true;
    this.error = pos + n > this.wireEnd ? DnsError.truncated : this.cutReason;
    return false;
  }

  u16(pos: number): number {
    return (this.buf[pos]! << 8) | this.buf[pos + 1]!;
  }

  u32(pos: number): number {
    return (
      this.buf[pos]! * 0x1000000 +
      ((this.buf[pos + 1]! << 16) | (this.buf[pos + 2]! << 8) | this.buf[pos + 3]!)
    );
  }

  /**
   * Reads the name at `pos`, following compression pointers, and returns the offset just past it
   * where it sits (a pointer ends it there), or -1. With `text`, writes its presentation form:
   * labels joined by dots, no trailing dot, "." for the root; '.' and '\' inside a label escaped
   * with '\', ',' and bytes outside printable ASCII as \DDD (as dig prints them, plus the comma,
   * so that a list of names splits on commas).
   */
  name(pos: number, text: TextBuffer | null): number {
    const buf = this.buf;
    let p = pos;
    let after = -1;
    let hops = 0;
    let wire = 1;
    let labels = 0;
    for (;;) {
      if (!this.need(p, 1)) return -1;
      const len = buf[p]!;
      if (len === 0) {
        if (labels === 0 && text !== null) text.byte(46);
        return after >= 0 ? after : p + 1;
      }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (!this.need(p, 2)) return -1;
        if (after < 0) after = p + 2;
        if (++hops > MAX_HOPS) return this.fail(DnsError.pointerLoop);
        const target = this.msg + (((len & 0x3f) << 8) | buf[p + 1]!);
        if (target < this.msg + 12 || target >= this.wireEnd) return this.fail(DnsError.badPointer);
        p = target;
        continue;
      }
      if (kind !== 0) return this.fail(DnsError.badLabel);
      wire += len + 1;
      if (wire > MAX_NAME) return this.fail(DnsError.nameTooLong);
      if (!this.need(p + 1, len)) return -1;
      if (text !== null) {
        if (labels > 0) text.byte(46);
        labelText(buf, p + 1, len, text);
      }
      labels++;
      p += 1 + len;
    }
  }

  private fail(reason: number): number {
    this.error = reason;
    return -1;
  }
}

function labelText(buf: Uint8Array, from: number, len: number, text: TextBuffer): void {
  for (let i = from; i < from + len; i++) {
    const c = buf[i]!;
    if (c === 46 || c === 92) {
      text.byte(92);
      text.byte(c);
    } else if (c <= 32 || c >= 127 || c === 44) text.escapedByte(c);
    else text.byte(c);
  }
}
