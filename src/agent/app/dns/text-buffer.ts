import type { AppFieldSink } from '../../contract.js';
import { setText } from '../latin1.js';

/**
 * A reused, bounded ASCII text buffer: the decoders render a field's text here and make a string
 * only once, when the field is emitted. Writes past the limit are dropped; `take` then ends the
 * text with "..." so a cut value is visibly cut.
 */
export class TextBuffer {
  private readonly bytes: Buffer;
  length = 0;
  overflow = false;

  constructor(readonly limit: number) {
    this.bytes = Buffer.alloc(limit);
  }

  reset(): void {
    this.length = 0;
    this.overflow = false;
  }

  byte(c: number): void {
    if (this.length < this.limit) this.bytes[this.length++] = c;
    else this.overflow = true;
  }

  /** A short constant (a separator, a keyword). */
  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  /** A non-negative integer in decimal. */
  decimal(n: number): void {
    if (n >= 10) this.decimal(Math.floor(n / 10));
    this.byte(48 + (n % 10));
  }

  /** A byte as the three-digit decimal escape of DNS master files: \DDD. */
  escapedByte(c: number): void {
    this.byte(92);
    this.byte(48 + Math.floor(c / 100));
    this.byte(48 + (Math.floor(c / 10) % 10));
    this.byte(48 + (c % 10));
  }

  hexByte(c: number): void {
    this.byte(HEX.charCodeAt(c >> 4));
    this.byte(HEX.charCodeAt(c & 15));
  }

  ipv4(buf: Uint8Array, o: number): void {
    for (let i = 0; i < 4; i++) {
      if (i > 0) this.byte(46);
      this.decimal(buf[o + i]!);
    }
  }

  /** RFC 5952 text (the longest run of two or more zero words as "::"; ::ffff:a.b.c.d when mapped). */
  ipv6(buf: Uint8Array, o: number): void {
    let bestStart = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (word(buf, o, i) !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && word(buf, o, j) === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestStart === 0 && bestLen === 5 && word(buf, o, 5) === 0xffff) {
      this.ascii('::ffff:');
      this.ipv4(buf, o + 12);
      return;
    }
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        this.ascii('::');
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i !== bestStart + bestLen) this.byte(58);
      this.hexWord(word(buf, o, i));
    }
  }

  /** The text so far (cut to the limit with a trailing "..." if anything was dropped). */
  take(): string {
    this.cut();
    return this.bytes.toString('latin1', 0, this.length);
  }

  /** Writes the text so far (as `take` gives it) into a string column of `out`. */
  emit(out: AppFieldSink, column: string): void {
    this.cut();
    setText(out, column, this.bytes, 0, this.length);
  }

  private cut(): void {
    if (this.overflow) {
      this.length = this.limit - 3;
      this.bytes.fill(46, this.length, this.limit);
      this.length = this.limit;
    }
  }

  private hexWord(w: number): void {
    let started = false;
    for (let shift = 12; shift >= 0; shift -= 4) {
      const d = (w >> shift) & 15;
      if (d !== 0 || started || shift === 0) {
        this.byte(HEX.charCodeAt(d));
        started = true;
      }
    }
  }
}

const HEX = '0123456789abcdef';

function word(buf: Uint8Array, o: number, i: number): number {
  return (buf[o + 2 * i]! << 8) | buf[o + 2 * i + 1]!;
}
