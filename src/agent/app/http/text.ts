export { text } from '../latin1.js';

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
