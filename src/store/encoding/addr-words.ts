/**
 * Addresses read 32 bits at a time: a 16-byte address is four little-endian words on the
 * (little-endian) host, word 2 of an IPv4-mapped address is 0xffff0000 and word 3 holds the IPv4
 * address byte-swapped.
 */
export const MAPPED_WORD = 0xffff0000;

/** A 32-bit view of an address column (copied if it is not 4-aligned in memory). */
export function addrWords(col: Uint8Array): Uint32Array {
  if (col.byteOffset % 4 === 0) return new Uint32Array(col.buffer, col.byteOffset, col.length >> 2);
  return new Uint32Array(col.slice().buffer);
}

/** Byte-swaps a 32-bit value: word 3 of an IPv4-mapped address ↔ the IPv4 address as a number. */
export function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

export function isMappedRow(words: Uint32Array, row: number): boolean {
  const o = row * 4;
  return words[o] === 0 && words[o + 1] === 0 && words[o + 2] === MAPPED_WORD;
}
