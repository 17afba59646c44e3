/**
 * TCP sequence-number (serial) arithmetic, RFC 1982 style as Wireshark's GT_SEQ/LT_SEQ/LE_SEQ:
 * numbers are unsigned 32-bit and wrap, so `a` is after `b` when the signed 32-bit difference
 * `a - b` is positive. The comparisons take the 32 bits read unsigned (`x >>> 0`) or signed
 * (`x | 0`, as the TCP tracker keeps them: small integers in V8, never boxed), even mixed.
 */

/** a > b in sequence space. */
export function seqGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a <= b in sequence space. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a + n, wrapped to uint32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a + n, wrapped to int32 (the same 32 bits as seqAdd, read signed). */
export function seqAddSigned(a: number, n: number): number {
  return (a + n) | 0;
}
