import { addrWords, MAPPED_WORD, swap32 } from './addr-words.js';
import { type ByteReader, type ByteWriter, DecodeError } from './byte-io.js';
import { decodeInts } from './int-decode.js';
import type { IntEncoder } from './int-encode.js';

/**
 * Addresses (16 bytes per row, IPv4 stored IPv4-mapped) in one logical type:
 *
 *   ADDR_CONST  16 bytes                       every row the same address (e.g. all zero)
 *   ADDR_V4     integer block of n IPv4 values (big-endian u32), so low-cardinality columns get
 *               the integer dictionary and sorted ones delta encoding
 *   ADDR_MIXED  bitmap of the rows that are not IPv4-mapped (1 bit per row), varint count of them,
 *               integer block of the IPv4 rows, then the other rows (IPv6, or all zero) as 16 bytes
 *               each in row order. (Splitting them into four integer blocks of 32-bit words was
 *               measured 0.2 bytes per flow worse: zstd matches repeated whole addresses.)
 */
export const ADDR_CONST = 0;
export const ADDR_V4 = 1;
export const ADDR_MIXED = 2;

export const addrKindNames = ['const', 'v4', 'mixed'] as const;

/**
 * The IPv4 values as an integer block, with two options measured on the benchmark data (1 M
 * flows): delta payloads as byte planes (sorted dst_addr 1.64 → 1.48 bytes per flow; planes for
 * every payload made src_addr worse, 3.22 → 3.46) and the sorted dictionary (SDICT) for scattered
 * repeating addresses, the second sort key.
 */
function encodeV4(ints: IntEncoder, values: Float64Array, n: number, out: ByteWriter): void {
  ints.shuffleDeltas = true;
  ints.sortedDictionaries = true;
  try {
    ints.encode(values, n, out, true);
  } finally {
    ints.shuffleDeltas = false;
    ints.sortedDictionaries = false;
  }
}

/** Encodes the addresses of `rows` of `col`; `scratch` holds at least rows.length numbers. */
export function encodeAddrs(
  col: Uint8Array,
  rows: Uint32Array,
  scratch: Float64Array,
  ints: IntEncoder,
  out: ByteWriter,
): number {
  const n = rows.length;
  const words = addrWords(col);
  let constant = true;
  let others = 0;
  const first = n > 0 ? rows[0]! * 4 : 0;
  const f0 = words[first];
  const f1 = words[first + 1];
  const f2 = words[first + 2];
  const f3 = words[first + 3];
  for (let i = 0; i < n; i++) {
    const o = rows[i]! * 4;
    const w0 = words[o]!;
    const w1 = words[o + 1]!;
    const w2 = words[o + 2]!;
    const w3 = words[o + 3]!;
    if (w0 !== f0 || w1 !== f1 || w2 !== f2 || w3 !== f3) constant = false;
    if (w0 === 0 && w1 === 0 && w2 === MAPPED_WORD) scratch[i - others] = swap32(w3);
    else others++;
  }
  if (constant) {
    out.u8(ADDR_CONST);
    const at = out.reserve(16);
    if (n > 0) out.bytes.set(col.subarray(first * 4, first * 4 + 16), at);
    else out.bytes.fill(0, at, at + 16);
    return ADDR_CONST;
  }
  if (others === 0) {
    out.u8(ADDR_V4);
    encodeV4(ints, scratch, n, out);
    return ADDR_V4;
  }
  out.u8(ADDR_MIXED);
  const bitmapBytes = (n + 7) >> 3;
  const bitmapAt = out.reserve(bitmapBytes);
  // The positions of the other rows, found once (in row order) for the bitmap and the raw part.
  if (otherRows.length < others) otherRows = new Uint32Array(Math.max(others, otherRows.length * 2));
  const positions = otherRows;
  {
    const bytes = out.bytes;
    bytes.fill(0, bitmapAt, bitmapAt + bitmapBytes);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const o = rows[i]! * 4;
      if (words[o] === 0 && words[o + 1] === 0 && words[o + 2] === MAPPED_WORD) continue;
      bytes[bitmapAt + (i >> 3)]! |= 1 << (i & 7);
      positions[k++] = o;
    }
  }
  out.varint(others);
  encodeV4(ints, scratch, n - others, out);
  out.align(4);
  const rawAt = out.reserve(others * 16);
  // rawAt is 4-aligned in the writer's (fresh, offset 0) buffer: copy whole words.
  const raw32 = new Uint32Array(out.bytes.buffer, out.bytes.byteOffset + rawAt, others * 4);
  for (let k = 0; k < others; k++) {
    const o = positions[k]!;
    const at = k * 4;
    raw32[at] = words[o]!;
    raw32[at + 1] = words[o + 1]!;
    raw32[at + 2] = words[o + 2]!;
    raw32[at + 3] = words[o + 3]!;
  }
  return ADDR_MIXED;
}

/** Scratch for the word offsets of the non-IPv4 rows of a mixed block, grown as needed. */
let otherRows = new Uint32Array(1024);

/** Decodes an address block of `out.length / 16` rows into `out`, writing every byte (it may come uninitialised). */
export function decodeAddrs(r: ByteReader, out: Uint8Array): void {
  const n = out.length >> 4;
  const kind = r.u8();
  if (kind === ADDR_CONST) {
    const at = r.take(16);
    const value = r.bytes.subarray(at, at + 16);
    let zero = true;
    for (let k = 0; k < 16; k++) if (value[k] !== 0) zero = false;
    if (zero) out.fill(0);
    else for (let i = 0; i < n; i++) out.set(value, i * 16);
    return;
  }
  // Fresh output: byteOffset 0, so a 32-bit view is aligned.
  const out32 = new Uint32Array(out.buffer, out.byteOffset, n * 4);
  if (kind === ADDR_V4) {
    const v4 = new Uint32Array(n);
    decodeInts(r, v4);
    for (let i = 0; i < n; i++) {
      out32[i * 4] = 0;
      out32[i * 4 + 1] = 0;
      out32[i * 4 + 2] = MAPPED_WORD;
      out32[i * 4 + 3] = swap32(v4[i]!);
    }
    return;
  }
  if (kind !== ADDR_MIXED) throw new DecodeError(`unknown address encoding ${kind}`);
  const bitmapAt = r.take((n + 7) >> 3);
  const bytes = r.bytes;
  const others = r.varint();
  if (others > n) throw new DecodeError(`${others} IPv6 rows of ${n}`);
  // One spare slot: the branch-free loop below reads one past the last IPv4 row.
  const v4 = new Uint32Array(n - others + 1);
  decodeInts(r, v4.subarray(0, n - others));
  r.align(4);
  const rawAt = r.take(others * 16);
  let set = 0;
  for (let b = bitmapAt; b < bitmapAt + ((n + 7) >> 3); b++) set += popcount8(bytes[b]!);
  if (set !== others) throw new DecodeError('IPv6 bitmap does not match its count');
  // Every row first gets the next IPv4 value (IPv6 rows get a wrong one, and do not consume it)…
  fillMapped(out32, v4, bytes, bitmapAt, n);
  // …then the IPv6 rows are overwritten whole, visiting only the non-zero bitmap bytes.
  const raw32 = alignedWords(bytes, rawAt, others * 4);
  let k6 = 0;
  for (let b = 0; b < (n + 7) >> 3; b++) {
    const bits = bytes[bitmapAt + b]!;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if (((bits >> bit) & 1) === 0) continue;
      const o = (b * 8 + bit) * 4;
      const from = k6 * 4;
      out32[o] = raw32[from]!;
      out32[o + 1] = raw32[from + 1]!;
      out32[o + 2] = raw32[from + 2]!;
      out32[o + 3] = raw32[from + 3]!;
      k6++;
    }
  }
}

/**
 * Writes every row as IPv4-mapped, taking the next value of `v4` for the rows whose bitmap bit is
 * clear (rows with the bit set get a placeholder and are overwritten by the caller). Eight rows
 * at a time: a zero bitmap byte (eight IPv4 rows, the common case) needs no bit tests.
 */
function fillMapped(
  out32: Uint32Array,
  v4: Uint32Array,
  bytes: Uint8Array,
  bitmapAt: number,
  n: number,
): void {
  let k4 = 0;
  const full = n >> 3;
  for (let b = 0; b < full; b++) {
    const bits = bytes[bitmapAt + b]!;
    let o = b * 32;
    if (bits === 0) {
      for (let j = 0; j < 8; j++, o += 4) {
        out32[o] = 0;
        out32[o + 1] = 0;
        out32[o + 2] = MAPPED_WORD;
        out32[o + 3] = swap32(v4[k4++]!);
      }
      continue;
    }
    for (let j = 0; j < 8; j++, o += 4) {
      out32[o] = 0;
      out32[o + 1] = 0;
      out32[o + 2] = MAPPED_WORD;
      out32[o + 3] = swap32(v4[k4]!);
      k4 += 1 - ((bits >> j) & 1);
    }
  }
  for (let i = full * 8; i < n; i++) {
    const isOther = (bytes[bitmapAt + (i >> 3)]! >> (i & 7)) & 1;
    out32[i * 4] = 0;
    out32[i * 4 + 1] = 0;
    out32[i * 4 + 2] = MAPPED_WORD;
    out32[i * 4 + 3] = swap32(v4[k4]!);
    k4 += 1 - isOther;
  }
}

function popcount8(v: number): number {
  v = v - ((v >> 1) & 0x55);
  v = (v & 0x33) + ((v >> 2) & 0x33);
  return (v + (v >> 4)) & 0x0f;
}

/** A 32-bit view of `count` words at `at`, copied when the bytes are not 4-aligned in memory. */
function alignedWords(bytes: Uint8Array, at: number, count: number): Uint32Array {
  const offset = bytes.byteOffset + at;
  if (offset % 4 === 0) return new Uint32Array(bytes.buffer, offset, count);
  return new Uint32Array(bytes.slice(at, at + count * 4).buffer);
}
