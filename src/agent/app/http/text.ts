import { latin1 } from '../latin1.js';

const utf8 = new TextDecoder('utf-8');

/** `buf[start..end)` as a string (UTF-8; invalid bytes become U+FFFD). The one copy a field costs. */
export function text(buf: Uint8Array, start: number, end: number): string {
  // ASCII (nearly every header value) reads the same as latin1, which is decoded at half the cost.
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return utf8.decode(buf.subarray(start, end));
  return latin1(buf, start, end);
}

/** Whether `buf[start..end)` equals `lower` (lowercase ASCII bytes), ignoring ASCII case. */
export function equalsLower(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const b = buf[start + i]!;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower[i]) return false;
  }
  return true;
}

/** The ASCII bytes of a string, lowercased. */
export function lowerBytes(s: string): Uint8Array {
  return Uint8Array.from(s.toLowerCase(), (c) => c.charCodeAt(0) & 0xff);
}

export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09;
}
