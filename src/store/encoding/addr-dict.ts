import type { AddrDict } from './addr-dict-build.js';
import {
  copyWord3,
  fillRows,
  mappedTemplate,
  writeMarkedOthers,
  writeMarkedV4,
  writeWord3,
} from './addr-table-write.js';
import { ByteReader, type ByteWriter, DecodeError } from './byte-io.js';
import { expandRepeats } from './expand.js';
import { decodeIndexInts, decodeInts } from './int-decode.js';
import type { IntEncoder } from './int-encode.js';
import { markIndexInts } from './int-marks.js';
import { checkAddressIndexes } from './used-entries.js';
import { decodeV4Words } from './v4-decode.js';

/**
 * ADDR_DICT (format version 4): the part's distinct addresses, sorted, then one index per row.
 *
 *   u8 kind (3), varint d4, varint d6, pad to 4, u32 offset of the index block in the block,
 *   integer block of the d4 IPv4 values ascending (sorted: deltas as byte planes),
 *   pad to 4, d6 other addresses ascending (16 bytes each),
 *   integer block of the rows' indexes into [IPv4 values…, other addresses…]
 *
 * The rows of a part are sorted by these indexes (dst_addr, then src_addr), so the first sort
 * key's indexes are non-decreasing (deltas of 0 or 1) and the second's are spread over the
 * dictionary; columns that are a function of an address (AS numbers, prefix lengths) are stored
 * as a table per dictionary entry (column-codec.ts, ENCODING_KEYED), which needs these indexes.
 * The index block is the block's last integer block: bit-packed, it is the block's
 * uncompressed tail. Decoding copies each row from the dictionary (four words, no branch on the
 * address family).
 */
export const ADDR_DICT = 3;

/** Writes everything but the index block (the caller writes it with the mode it chose). */
export function writeAddrDictHead(dict: AddrDict, ints: IntEncoder, out: ByteWriter): void {
  const d6 = dict.v6.length / 4;
  out.u8(ADDR_DICT);
  out.varint(dict.v4.length);
  out.varint(d6);
  out.align(4);
  const indexAt = out.reserve(4);
  if (dict.v4.length > 0) {
    ints.shuffleDeltas = true;
    try {
      ints.encode(dict.v4, dict.v4.length, out, true);
    } finally {
      ints.shuffleDeltas = false;
    }
  }
  out.align(4);
  const at = out.reserve(d6 * 16);
  new Uint32Array(out.bytes.buffer, at, d6 * 4).set(dict.v6);
  out.view.setUint32(indexAt, out.length, true);
}

/** Reads the header; returns the dictionary size and where the index block starts. */
function readHeader(r: ByteReader, limit: number): { d4: number; d6: number; indexAt: number } {
  if (r.u8() !== ADDR_DICT) throw new DecodeError('not an address dictionary block');
  const d4 = r.varint();
  const d6 = r.varint();
  r.align(4);
  const indexAt = r.u32();
  if (d4 + d6 > limit || d6 * 16 > r.end || indexAt < r.pos || indexAt > r.end) {
    throw new DecodeError(`bad address dictionary (${d4} + ${d6} entries, index at ${indexAt})`);
  }
  return { d4, d6, indexAt };
}

/**
 * A decoded address dictionary: word 3 of every entry (IPv4 values byte-swapped), and the
 * entries past the IPv4 ones (IPv6) whole. Each user keeps its own (the shared dictionary of a
 * part stays valid while the part's columns decode). Word 3 of the IPv6 entries is copied out
 * only when rows are filled: the dictionary form (`writeEntries`) does not need it.
 */
export class AddrTable {
  word3 = new Uint32Array(256);
  others = new Uint32Array(256);
  d4 = 0;
  size = 0;
  private word3Whole = false;

  /** Reads a dictionary of at most `limit` entries; leaves `r` at its index block. */
  read(r: ByteReader, limit: number): void {
    const { d4, d6, indexAt } = readHeader(r, limit);
    const d = d4 + d6;
    if (this.word3.length < d) this.word3 = new Uint32Array(Math.max(d, this.word3.length * 2));
    if (this.others.length < d6 * 4) this.others = new Uint32Array(Math.max(d6 * 4, this.others.length * 2));
    const { word3, others } = this;
    if (d4 > 0) decodeV4Words(r, word3, 0, 1, d4);
    r.align(4);
    const at = r.take(d6 * 16);
    new Uint8Array(others.buffer, 0, d6 * 16).set(r.bytes.subarray(at, at + d6 * 16));
    if (r.pos !== indexAt) throw new DecodeError('address dictionary does not end at its index block');
    this.d4 = d4;
    this.size = d;
    this.word3Whole = d6 === 0;
  }

  /** Writes row i of `out` (16 bytes per row) from entry indexes[i], every byte. */
  fill(indexes: Uint32Array, out: Uint8Array): void {
    const n = indexes.length;
    const target = out.byteOffset % 4 === 0 ? out : new Uint8Array(out.length);
    mappedTemplate(target, n);
    const words = new Uint32Array(target.buffer, target.byteOffset, n * 4);
    if (!this.word3Whole) {
      copyWord3(this.word3, this.others, this.d4, this.size);
      this.word3Whole = true;
    }
    const bad = fillRows(this.word3, this.others, this.d4, this.size, indexes, words);
    if (bad > 0) throw new DecodeError(`address index ${bad - 1} of ${this.size}`);
    if (target !== out) out.set(target);
  }

  /** Writes the `size` entries, 16 bytes each, to `out` (4-aligned in memory). */
  writeEntries(out: Uint8Array): void {
    const { d4, size, word3 } = this;
    mappedTemplate(out, d4);
    const words = new Uint32Array(out.buffer, out.byteOffset, size * 4);
    writeWord3(word3, d4, words);
    words.set(this.others.subarray(0, (size - d4) * 4), d4 * 4);
  }

  /**
   * Writes the entries marked 1 in `marks` (0 or 1 per entry), in order, 16 bytes each to `out`
   * (4-aligned in memory, room for size + 1 entries); returns how many. Branch-free: every entry
   * is written at the next free place, and only a marked one moves it on (the marks are random);
   * IPv4 entries write word 3 only, over a template (measured ~10 % faster than usedEntries'
   * list, then each listed entry copied).
   */
  writeMarked(marks: Uint8Array, out: Uint8Array): number {
    const { d4, size } = this;
    if (marks.length < size || out.length < (size + 1) * 16) throw new RangeError('writeMarked: too short');
    const words = new Uint32Array(out.buffer, out.byteOffset, (size + 1) * 4);
    mappedTemplate(out, d4 + 1);
    const n = writeMarkedV4(this.word3, marks, d4, words);
    return writeMarkedOthers(this.others, marks, d4, size, words, n);
  }
}

/** The table of blocks with their own dictionary (ADDR_DICT), reused. */
const inline = new AddrTable();

/**
 * ADDR_SHARED (version 4): u8 kind (4), varint size of the part's shared dictionary (a
 * part-level block in ADDR_DICT layout without index block; src_addr and dst_addr share one, as
 * the same hosts appear on both sides), then the rows' indexes into it as an integer block.
 */
export const ADDR_SHARED = 4;

export function writeSharedHead(size: number, out: ByteWriter): void {
  out.u8(ADDR_SHARED);
  out.varint(size);
}

/** Decodes a part's shared dictionary block (at most `limit` entries) into `table`. */
export function decodeSharedTable(raw: Uint8Array, table: AddrTable, limit: number): void {
  const r = new ByteReader(raw);
  table.read(r, limit);
  r.done();
}

/**
 * Decodes only the rows' dictionary indexes of an ADDR_DICT or ADDR_SHARED block into `indexes`
 * (length = rows). Indexes are not checked here: their users check them.
 */
export function decodeAddrDictIndexes(r: ByteReader, indexes: Uint32Array): void {
  skipToIndexes(r);
  decodeInts(r, indexes);
}

/** Moves `r` from the start of an ADDR_DICT or ADDR_SHARED block to its index block. */
function skipToIndexes(r: ByteReader): void {
  if (r.bytes[r.pos] === ADDR_SHARED) {
    r.u8();
    r.varint();
  } else {
    const { indexAt } = readHeader(r, Number.MAX_SAFE_INTEGER);
    r.pos = indexAt;
  }
}

/**
 * Marks in `marks` the dictionary entries the `n` stored rows of an ADDR_DICT or ADDR_SHARED
 * block use, without writing their indexes out (`markIndexInts`); returns the largest index
 * (0 for none), unchecked: the caller checks it against its dictionary.
 */
export function markAddrDictIndexes(
  r: ByteReader,
  n: number,
  marks: Uint8Array,
  scratch: Uint32Array,
): number {
  skipToIndexes(r);
  return markIndexInts(r, n, marks, scratch);
}

/**
 * Decodes an ADDR_DICT block, or an ADDR_SHARED one with the part's `shared` table, into `out`
 * (16 bytes per row), writing every byte; the rows' dictionary indexes are left in `indexes`
 * (length = rows) for keyed columns. With `leaderOf`, the block holds the first
 * rows - leaderOf.length rows and the others repeat them (their indexes are copied first).
 */
export function decodeAddrDict(
  r: ByteReader,
  out: Uint8Array,
  indexes: Uint32Array,
  shared?: AddrTable,
  leaderOf?: Uint32Array,
): void {
  decodeAddrDictIndexed(r, indexes.subarray(0, out.length >> 4), shared, leaderOf).fill(indexes, out);
}

/**
 * The dictionary form of an ADDR_DICT or ADDR_SHARED block: the rows' indexes into `indexes`
 * (length = rows; repeats expanded with `leaderOf` as in `decodeAddrDict`), and the table they
 * index — the part's `shared` one, or the block's own, which stays valid only until the next
 * block with its own dictionary decodes. Throws DecodeError unless every index is below the
 * table's size (the leaders' are checked as they decode: repeats copy them).
 */
export function decodeAddrDictIndexed(
  r: ByteReader,
  indexes: Uint32Array,
  shared?: AddrTable,
  leaderOf?: Uint32Array,
): AddrTable {
  const n = indexes.length;
  let table = inline;
  if (r.bytes[r.pos] === ADDR_SHARED) {
    r.u8();
    const size = r.varint();
    if (shared === undefined || shared.size !== size)
      throw new DecodeError('no shared address dictionary of that size');
    table = shared;
  } else {
    inline.read(r, Math.max(n, 1));
    if (n > 0 && inline.size === 0) throw new DecodeError('empty address dictionary');
  }
  const leaders = n - (leaderOf?.length ?? 0);
  const max = decodeIndexInts(r, leaderOf === undefined ? indexes : indexes.subarray(0, leaders));
  checkAddressIndexes(max, leaders, table.size);
  if (leaderOf !== undefined) expandRepeats(indexes, leaders, leaderOf, false);
  return table;
}
