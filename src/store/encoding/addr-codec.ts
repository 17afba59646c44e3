import { addrWords, MAPPED_WORD, swap32 } from './addr-words.js';
import { type ByteReader, type ByteWriter, DecodeError } from './byte-io.js';
import type { IntEncoder } from './int-encode.js';
import { decodeV4Words } from './v4-decode.js';

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

/** Kinds 3 and 4, `dict` and `shared`, are ADDR_DICT and ADDR_SHARED (addr-dict.ts, version 4). */
export const addrKindNames = ['const', 'v4', 'mixed', 'dict', 'shared'] as const;

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

/** Scratch for the IPv4 words of a mixed block, grown as needed. */
let v4Scratch = new Uint32Array(1024);

/** Decodes an address block of `out.length / 16` rows into `out`, writing every byte (it may come uninitialised). */
export function decodeAddrs(r: ByteReader, out: Uint8Array): void {
  const n = out.length >> 4;
  const kind = r.u8();
  if (kind === ADDR_CONST) {
    const at = r.take(16);
    if (n === 0) return;
    out.set(r.bytes.subarray(at, at + 16));
    repeatRow(out, 16, out.length);
    return;
  }
  if (out.byteOffset % 4 !== 0) {
    // Word-wise decoding needs a 4-aligned output (decoders' outputs are; a caller's view may not be).
    const aligned = new Uint8Array(out.length);
    r.pos--;
    decodeAddrs(r, aligned);
    out.set(aligned);
    return;
  }
  const out32 = new Uint32Array(out.buffer, out.byteOffset, n * 4);
  if (kind === ADDR_V4) {
    mappedTemplate(out, n);
    decodeV4Words(r, out32, 3, 4, n);
    return;
  }
  if (kind !== ADDR_MIXED) throw new DecodeError(`unknown address encoding ${kind}`);
  const bitmapBytes = (n + 7) >> 3;
  const bitmapAt = r.take(bitmapBytes);
  const bytes = r.bytes;
  const others = r.varint();
  if (others > n) throw new DecodeError(`${others} IPv6 rows of ${n}`);
  let set = 0;
  for (let b = bitmapAt; b < bitmapAt + bitmapBytes; b++) set += popcount8(bytes[b]!);
  if (set !== others) throw new DecodeError('IPv6 bitmap does not match its count');
  const n4 = n - others;
  const runs = ipv6Runs(bytes, bitmapAt, n, n >> 6);
  if (runs >= 0) {
    // Few runs of IPv6 rows (sorted parts keep them together): IPv4 values straight into rows
    // 0..n4-1, then moved up to their rows with native copies, IPv6 rows copied in whole.
    mappedTemplate(out, n);
    decodeV4Words(r, out32, 3, 4, n4);
    r.align(4);
    placeRuns(out, runs, n, n4, bytes, r.take(others * 16));
    return;
  }
  // One spare slot: the branch-free scatter below reads one past the last IPv4 value.
  if (v4Scratch.length < n4 + 1) v4Scratch = new Uint32Array(Math.max(n + 1, v4Scratch.length * 2));
  const v4 = v4Scratch;
  decodeV4Words(r, v4, 0, 1, n4);
  r.align(4);
  const rawAt = r.take(others * 16);
  mappedTemplate(out, n);
  // Every row gets the next IPv4 value (IPv6 rows get a wrong one and do not consume it)…
  scatterMapped(out32, v4, bytes, bitmapAt, n);
  // …then the IPv6 rows are overwritten whole, visiting only the non-zero bitmap bytes.
  const raw32 = alignedWords(bytes, rawAt, others * 4);
  let k6 = 0;
  for (let b = 0; b < bitmapBytes; b++) {
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

/** Start and end rows of the IPv6 runs found by `ipv6Runs`, as pairs. */
let runScratch = new Int32Array(64);

/**
 * Finds the runs of set bits (IPv6 rows) of the bitmap into `runScratch`; returns their number,
 * or -1 once there are more than `limit` (the rows are scattered: the caller scatters instead).
 */
function ipv6Runs(bytes: Uint8Array, at: number, n: number, limit: number): number {
  if (runScratch.length < 2 * limit + 2) runScratch = new Int32Array(2 * limit + 2);
  const runs = runScratch;
  let count = 0;
  let start = -1;
  const full = n >> 3;
  for (let b = 0; b < full; b++) {
    const bits = bytes[at + b]!;
    if (bits === 0 && start < 0) continue;
    if (bits === 0xff && start >= 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      const row = b * 8 + bit;
      if ((bits >> bit) & 1) {
        if (start < 0) start = row;
      } else if (start >= 0) {
        if (count === limit) return -1;
        runs[2 * count] = start;
        runs[2 * count + 1] = row;
        count++;
        start = -1;
      }
    }
  }
  for (let row = full * 8; row < n; row++) {
    if ((bytes[at + (row >> 3)]! >> (row & 7)) & 1) {
      if (start < 0) start = row;
    } else if (start >= 0) {
      if (count === limit) return -1;
      runs[2 * count] = start;
      runs[2 * count + 1] = row;
      count++;
      start = -1;
    }
  }
  if (start >= 0) {
    if (count === limit) return -1;
    runs[2 * count] = start;
    runs[2 * count + 1] = n;
    count++;
  }
  return count;
}

/**
 * Rows 0..n4-1 of `out` hold the IPv4 rows in order; moves each stretch of IPv4 rows between
 * IPv6 runs up to its place (from the last one back, so nothing is overwritten before it moves)
 * and copies the IPv6 rows (16 bytes each, in row order at `rawAt`) into the runs.
 */
function placeRuns(
  out: Uint8Array,
  count: number,
  n: number,
  n4: number,
  bytes: Uint8Array,
  rawAt: number,
): void {
  const runs = runScratch;
  let src = n4;
  let end = n;
  let k6 = n - n4;
  for (let j = count - 1; j >= 0; j--) {
    const s6 = runs[2 * j]!;
    const e6 = runs[2 * j + 1]!;
    const len = end - e6;
    src -= len;
    if (len > 0 && src !== e6) out.copyWithin(e6 * 16, src * 16, (src + len) * 16);
    k6 -= e6 - s6;
    out.set(bytes.subarray(rawAt + k6 * 16, rawAt + (k6 + e6 - s6) * 16), s6 * 16);
    end = s6;
  }
}

/** Repeats the first `row` bytes of `out` up to `end` with native copies, doubling each time. */
function repeatRow(out: Uint8Array, row: number, end: number): void {
  let done = Math.min(row, end);
  while (done < end) {
    const step = Math.min(done, end - done);
    out.copyWithin(done, 0, step);
    done += step;
  }
}

/** Every row set to ::ffff:0.0.0.0 with native copies; word 3 (the IPv4 value) is written next. */
function mappedTemplate(out: Uint8Array, n: number): void {
  if (n === 0) return;
  out.fill(0, 0, 16);
  out[10] = 0xff;
  out[11] = 0xff;
  repeatRow(out, 16, n * 16);
}

/**
 * Writes word 3 of every row from the next value of `v4` (already byte-swapped), skipping
 * nothing: rows whose bitmap bit is set get a placeholder and do not consume a value. Eight rows
 * at a time: a zero bitmap byte (eight IPv4 rows, the common case) needs no bit tests.
 */
function scatterMapped(
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
    const o = b * 32 + 3;
    if (bits === 0) {
      for (let j = 0; j < 8; j++) out32[o + j * 4] = v4[k4++]!;
      continue;
    }
    for (let j = 0; j < 8; j++) {
      out32[o + j * 4] = v4[k4]!;
      k4 += 1 - ((bits >> j) & 1);
    }
  }
  for (let i = full * 8; i < n; i++) {
    out32[i * 4 + 3] = v4[k4]!;
    k4 += 1 - ((bytes[bitmapAt + (i >> 3)]! >> (i & 7)) & 1);
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
