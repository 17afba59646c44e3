import type { NumberArray, StringDict } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { addrKindNames, encodeAddrs } from './addr-codec.js';
import { ADDR_DICT, ADDR_SHARED, writeAddrDictHead, writeSharedHead } from './addr-dict.js';
import type { AddrDict } from './addr-dict-build.js';
import type { ByteWriter } from './byte-io.js';
import { gather, gathered } from './gather-stats.js';
import { type BlockStats, IntEncoder } from './int-encode.js';
import { intKindNames } from './int-format.js';
import { writeStringHead } from './string-codec.js';

export { allocateColumn } from '../../flow/batch.js';
export { applyReference, type DecodeContext, type DecodedColumn, decodeColumn } from './column-decode.js';

/**
 * One column of one part, encoded by its physical type: numbers (u8 … u64, time, mac) as an
 * integer block, addresses as an address block, strings as dictionary + integer block of codes.
 * The returned encoding id (integer kind, 0x10 | address kind, or 0x20 | code kind) is recorded
 * in the segment footer for `store inspect`.
 */
export interface EncodedStats {
  readonly encoding: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export const ENCODING_ADDR = 0x10;
export const ENCODING_STRING = 0x20;
/** A number column stored as its difference to another column of the part (see `encodeRelative`). */
export const ENCODING_RELATIVE = 0x30;
/** A number column stored as a table per dictionary entry of an address column (version 4). */
export const ENCODING_KEYED = 0x40;
/** The encoding id of a keyed column that shares another column's table. */
export const ENCODING_KEYED_SHARED = 0x4f;

export function encodingName(encoding: number): string {
  if (encoding === ENCODING_KEYED_SHARED) return 'keyed+shared';
  if (encoding >= 0x40) return `keyed+${intKindNames[encoding - 0x40] ?? '?'}`;
  if (encoding >= 0x30) return `ref+${intKindNames[encoding - 0x30] ?? '?'}`;
  if (encoding >= 0x20) return `dict+${intKindNames[encoding - 0x20] ?? '?'}`;
  if (encoding >= 0x10) return `addr-${addrKindNames[encoding - 0x10] ?? '?'}`;
  return intKindNames[encoding] ?? '?';
}

/**
 * A column block is a head (dictionaries, a reference, …) followed by one final integer block
 * (the values, codes or indexes). The block encoder writes the final block twice, as bytes for
 * zstd and bit-packed, and keeps the smaller (see block-encoder.ts).
 */
export interface FinalInts {
  readonly values: Float64Array;
  readonly n: number;
  /** The values came from an integer array (no fraction test). */
  readonly integers: boolean;
  /** Byte planes in bytes mode (times and counters). */
  readonly shuffle: boolean;
  readonly known: BlockStats | undefined;
}

export interface ColumnHead {
  /** The encoding id, without the final block's integer kind. */
  readonly encoding: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** Undefined: the head is the whole block (a constant address). */
  readonly final: FinalInts | undefined;
}

/** Encodes columns; reuses its scratch space across calls. */
export class ColumnEncoder {
  readonly ints = new IntEncoder();
  private scratch = new Float64Array(1024);

  private scratchFor(n: number): Float64Array {
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }

  /**
   * Writes the head of the block of `rows` of a column and returns what the final integer block
   * holds. `addrDict`: the part's dictionary of this address column (version 4: ADDR_DICT, or
   * ADDR_SHARED when `shared`: the dictionary is a part-level block); without one, addresses
   * take the version 3 encodings.
   */
  head(
    type: ColumnType,
    array: NumberArray,
    dict: StringDict | undefined,
    rows: Uint32Array,
    out: ByteWriter,
    addrDict?: AddrDict,
    shared = false,
  ): ColumnHead {
    const n = rows.length;
    const scratch = this.scratchFor(n);
    if (type === 'addr') {
      if (addrDict !== undefined && (shared || addrDict.size > 1)) {
        if (shared) writeSharedHead(addrDict.size, out);
        else writeAddrDictHead(addrDict, this.ints, out);
        const index = addrDict.index;
        for (let i = 0; i < n; i++) scratch[i] = index[rows[i]!]!;
        const final = { values: scratch, n, integers: true, shuffle: false, known: undefined };
        return {
          encoding: ENCODING_ADDR | (shared ? ADDR_SHARED : ADDR_DICT),
          min: undefined,
          max: undefined,
          final,
        };
      }
      const kind = encodeAddrs(array as Uint8Array, rows, scratch, this.ints, out);
      return { encoding: ENCODING_ADDR | kind, min: undefined, max: undefined, final: undefined };
    }
    if (type === 'string') {
      writeStringHead(array as Uint32Array, dict?.values ?? [''], rows, scratch, out);
      const final = { values: scratch, n, integers: true, shuffle: false, known: undefined };
      return { encoding: ENCODING_STRING, min: undefined, max: undefined, final };
    }
    gather(array, rows, scratch);
    const wide = array instanceof Float64Array;
    const known = n > 0 ? gathered : undefined;
    const final = { values: scratch, n, integers: !wide, shuffle: wide, known };
    return {
      encoding: 0,
      min: n > 0 ? gathered.min : undefined,
      max: n > 0 ? gathered.max : undefined,
      final,
    };
  }

  /**
   * Writes the final integer block of `head` (bit-packed or as bytes) and returns the block's
   * encoding id.
   */
  finish(head: ColumnHead, out: ByteWriter, packBits: boolean): number {
    const final = head.final;
    if (final === undefined) return head.encoding;
    const ints = this.ints;
    ints.packBits = packBits;
    ints.shuffle = final.shuffle && !packBits;
    ints.sparse = true;
    ints.tailAt = -1;
    try {
      const info = ints.encode(final.values, final.n, out, final.integers, final.known);
      return (head.encoding & 0xf0) === ENCODING_ADDR ? head.encoding : head.encoding | info.kind;
    } finally {
      ints.packBits = false;
      ints.shuffle = false;
      ints.sparse = false;
    }
  }

  /** `head` then `finish` as bytes (version 3 blocks; tests). */
  encode(
    type: ColumnType,
    array: NumberArray,
    dict: StringDict | undefined,
    rows: Uint32Array,
    out: ByteWriter,
  ): EncodedStats {
    const head = this.head(type, array, dict, rows, out);
    return { encoding: this.finish(head, out, false), min: head.min, max: head.max };
  }

  /**
   * Encodes plain numbers (no row indirection), not as byte planes: used for durations, mostly
   * zero, where planes measured worse. Returns the integer encoding kind.
   */
  encodeNumbers(values: Float64Array, n: number, out: ByteWriter): number {
    return this.ints.encode(values, n, out).kind;
  }

  /**
   * The head of a column stored as `reference - value` per row (flow_start_time against
   * flow_end_time: the flow's duration, zero for most sampled flows): varint index of the
   * reference column in the schema; the final block holds the differences.
   */
  relativeHead(
    array: Float64Array,
    reference: Float64Array,
    referenceIndex: number,
    rows: Uint32Array,
    out: ByteWriter,
  ): ColumnHead {
    const n = rows.length;
    const diffs = this.scratchFor(n);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = array[rows[i]!]!;
      if (v < min) min = v;
      if (v > max) max = v;
      diffs[i] = reference[rows[i]!]! - v;
    }
    out.varint(referenceIndex);
    const final = { values: diffs, n, integers: false, shuffle: false, known: undefined };
    return n === 0
      ? { encoding: ENCODING_RELATIVE, min: undefined, max: undefined, final }
      : { encoding: ENCODING_RELATIVE, min, max, final };
  }

  /**
   * The head of a column stored as a table per dictionary entry of an address column (the key,
   * schema index `keyIndex`): varint key, varint table size, then u8 0 and the table as the final
   * block, or u8 1 and the schema index of the column whose block stores it (`owner`).
   */
  keyedHead(
    table: Float64Array,
    keyIndex: number,
    owner: number | undefined,
    integers: boolean,
    stats: { min: number; max: number },
    out: ByteWriter,
  ): ColumnHead {
    out.varint(keyIndex);
    out.varint(table.length);
    const { min, max } = stats;
    if (owner !== undefined) {
      out.u8(1);
      out.varint(owner);
      return { encoding: ENCODING_KEYED_SHARED, min, max, final: undefined };
    }
    out.u8(0);
    const values = this.scratchFor(table.length);
    values.set(table);
    const final = { values, n: table.length, integers, shuffle: false, known: undefined };
    return { encoding: ENCODING_KEYED, min, max, final };
  }
}

/**
 * Encodes a time or u64 column relative to another (see `ColumnEncoder.relativeHead`), as bytes.
 */
export function encodeRelative(
  encoder: ColumnEncoder,
  array: Float64Array,
  reference: Float64Array,
  referenceIndex: number,
  rows: Uint32Array,
  out: ByteWriter,
): EncodedStats {
  const head = encoder.relativeHead(array, reference, referenceIndex, rows, out);
  return { encoding: encoder.finish(head, out, false), min: head.min, max: head.max };
}
