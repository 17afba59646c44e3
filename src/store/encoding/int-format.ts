/**
 * Integer block encodings, chosen per block from the data. Every block starts with a kind byte:
 *
 *   CONST  f64 value                                   every row the same (all-zero columns: 9 bytes)
 *   FOR    u8 width, pad to 8, f64 base, n × width      frame of reference: value - base, narrowed
 *   DELTA  u8 width, pad to 8, f64 first, n × width     zigzag of the difference to the previous row
 *   DICT   u8 width, varint d, the d distinct values (most frequent first) as a nested CONST, FOR
 *          or DELTA block, pad to 4, n × width         index into the distinct values
 *   RAW    pad to 8, n × f64                           anything else (fractions, negatives, > 2^53)
 *   SDICT  as DICT, the values ascending (so the nested block is DELTA): scattered repeating
 *          32-bit values (the IPv4 addresses of the second sort key)
 *
 * Width is 1, 2 or 4 bytes (little-endian), or 8 for FOR only: a plane of the low 32 bits then a
 * plane of the high bits. The padding lets the decoder read the payload through typed-array views.
 * A width byte with bit 7 set (SHUFFLED) means the 2- or 4-byte payload is stored as byte planes:
 * byte 0 of every value, then byte 1, and so on. Since version 4 a width byte with bit 6 set
 * (BITS) means a bit-packed payload of (width & 31) + 1 bits per value, 1 to 32 (bitpack.ts),
 * after padding to 4; FOR, DELTA, DICT and SDICT payloads may be bit-packed (SDICT: the
 * indexes). On a DELTA block, bit 5 (MONOTONE) means the deltas are all non-negative and stored
 * as they are instead of zigzag-coded (one bit fewer: sorted indexes, repeat maps).
 */
export const SHUFFLED = 0x80;
export const BITS = 0x40;
export const MONOTONE = 0x20;

/** The width byte of a bit-packed payload of `bits` (1 to 32) bits. */
export function bitsWidth(bits: number, monotone = false): number {
  return BITS | (monotone ? MONOTONE : 0) | (bits - 1);
}

/** Bits per value of a bit-packed width byte. */
export function widthBits(width: number): number {
  return (width & 31) + 1;
}
export const INT_CONST = 0;
export const INT_FOR = 1;
export const INT_DELTA = 2;
export const INT_DICT = 3;
export const INT_RAW = 4;
export const INT_SDICT = 5;

/** Kinds 6 and 7 are SPARSE (int-sparse.ts) and PATCHED (int-patched.ts), version 4. */
export const intKindNames = ['const', 'for', 'delta', 'dict', 'raw', 'sdict', 'sparse', 'patched'] as const;

/** Bytes needed for unsigned values up to `max`: 1, 2, 4 or 8. */
export function widthFor(max: number): 1 | 2 | 4 | 8 {
  return max < 0x100 ? 1 : max < 0x10000 ? 2 : max < 0x1_0000_0000 ? 4 : 8;
}

/** A rough bit cost of an unsigned value, used to compare encodings before compressing. */
export function bitLength(v: number): number {
  return v < 0x1_0000_0000 ? 32 - Math.clz32(v) : 64 - Math.clz32(v / 0x1_0000_0000);
}
