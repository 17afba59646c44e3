import { DnsError } from './dns-errors.js';
import { rdata } from './dns-rdata.js';
import { DnsReader } from './dns-reader.js';
import type { TextBuffer } from './text-buffer.js';

/**
 * One DNS message parsed in place: the header, the first question and the answer section (the
 * authority and additional sections are not read). Reused from message to message. Parsing
 * checks everything and copies nothing; `queryText` and `answersText` render the text of a
 * message that is emitted, walking it again. A malformed part stops the parse: what came before it
 * stays valid (`error` says why the rest was ignored).
 */
export class DnsMessage {
  private readonly r = new DnsReader();
  id = 0;
  isResponse = false;
  rcode = 0;
  /** Offset of the first question's name; -1 when the message has none that parsed. */
  questionPos = -1;
  qType = 0;
  /** Answers at the start of the answer section that parsed; the first sits at `answersPos`. */
  answers = 0;
  private answersPos = 0;
  error: number = DnsError.none;

  /**
   * Parses the message at `buf[msg..have)`, `wireLength` bytes as sent (more than captured when
   * cut: reads past `have` fail with `cutReason`). Returns false when not even the 12-byte header
   * is there.
   */
  parse(buf: Uint8Array, msg: number, have: number, wireLength: number, cutReason: number): boolean {
    const r = this.r;
    r.reset(buf, msg, Math.min(have, msg + wireLength), msg + wireLength, cutReason);
    this.questionPos = -1;
    this.qType = 0;
    this.answers = 0;
    this.error = DnsError.none;
    if (!r.need(msg, 12)) {
      this.error = r.error;
      return false;
    }
    this.id = r.u16(msg);
    const flags = r.u16(msg + 2);
    this.isResponse = (flags & 0x8000) !== 0;
    this.rcode = flags & 0x0f;
    const questions = r.u16(msg + 4);
    const answers = r.u16(msg + 6);
    let p = msg + 12;
    for (let i = 0; i < questions; i++) {
      const start = p;
      p = r.name(p, null);
      if (p < 0 || !r.need(p, 4)) return this.stop();
      if (i === 0) {
        this.questionPos = start;
        this.qType = r.u16(p);
      }
      p += 4;
    }
    this.answersPos = p;
    for (let i = 0; i < answers; i++) {
      p = this.answer(p, null);
      if (p < 0) return this.stop();
      this.answers++;
    }
    return true;
  }

  /** The first question's name (call only when `questionPos >= 0`). */
  queryText(text: TextBuffer): void {
    this.r.name(this.questionPos, text);
  }

  /** The answers that parsed, comma separated, in order. */
  answersText(text: TextBuffer): void {
    let p = this.answersPos;
    for (let i = 0; i < this.answers && !text.overflow; i++) {
      if (i > 0) text.byte(44);
      p = this.answer(p, text);
    }
  }

  private answer(p: number, text: TextBuffer | null): number {
    const r = this.r;
    p = r.name(p, null);
    if (p < 0 || !r.need(p, 10)) return -1;
    const type = r.u16(p);
    const length = r.u16(p + 8);
    const start = p + 10;
    if (!r.need(start, length)) return -1;
    if (!rdata(r, type, start, start + length, text)) return -1;
    return start + length;
  }

  private stop(): true {
    this.error = this.r.error;
    return true;
  }
}
