import type { NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { decodeAddrs } from './addr-codec.js';
import {
  ADDR_DICT,
  ADDR_SHARED,
  type AddrTable,
  decodeAddrDict,
  decodeAddrDictIndexes,
  markAddrDictIndexes,
} from './addr-dict.js';
import { ByteReader, DecodeError } from './byte-io.js';
import { allocateUninitialized } from './column-alloc.js';
import { decodeInts } from './int-decode.js';
import { decodeSparseFrom, INT_SPARSE } from './int-sparse.js';
import { decodeKeyed, type KeyedSources } from './keyed-decode.js';
import { decodeStrings } from './string-codec.js';

/** Encoding ids (see column-codec.ts). */
const ENCODING_RELATIVE = 0x30;
const ENCODING_KEYED = 0x40;

/** What a decoder may need beyond its own block (segment reader state). */
export interface DecodeContext extends KeyedSources {
  /** Scratch of at least `rows` entries for an address block's dictionary indexes. */
  indexScratch(rows: number): Uint32Array;
  /** The part's shared address dictionary (for ADDR_SHARED blocks). */
  sharedAddresses(): AddrTable;
  /**
   * The values of reference column `c`, if the caller decoded it first: a relative block then
   * decodes straight into values (and returns no `reference`).
   */
  referenceValues?(c: number): Float64Array | undefined;
}

export interface DecodedColumn {
  readonly array: NumberArray;
  readonly dict: string[] | undefined;
  /** For a relative column: the schema index of its reference; `array` holds differences until `applyReference`. */
  readonly reference: number | undefined;
  /** For an ADDR_DICT block: each row's dictionary index (for keyed columns); scratch from the context. */
  readonly indexes?: Uint32Array;
  /** For a keyed block with its own table: the table (scratch from the context). */
  readonly table?: NumberArray;
}

/** Turns the differences decoded by `decodeColumn` into values: value = reference - difference. */
export function applyReference(diffs: NumberArray, reference: NumberArray): void {
  const out = diffs as Float64Array;
  const ref = reference as Float64Array;
  for (let i = 0; i < out.length; i++) out[i] = ref[i]! - out[i]!;
}

const missing = (what: string) => () => {
  throw new DecodeError(`no ${what} outside a segment`);
};
const noContext: DecodeContext = {
  indexScratch: (rows) => new Uint32Array(rows),
  keyIndexes: missing('key column'),
  tableScratch: missing('keyed table'),
  tableOf: missing('keyed table'),
  sharedAddresses: missing('shared address dictionary'),
};

/**
 * Decodes the raw (decompressed) block of one column of `rows` rows into `array` (of `type`, for
 * `rows` rows; by default a fresh one). Every decoder writes every element, so `array` need not
 * be zeroed. `leaderOf` (address dictionary blocks only): the block stores the first
 * rows - leaderOf.length rows, and row rows - leaderOf.length + j repeats row leaderOf[j].
 */
export function decodeColumn(
  type: ColumnType,
  encoding: number,
  raw: Uint8Array,
  rows: number,
  array: NumberArray = allocateUninitialized('', type, rows),
  ctx: DecodeContext = noContext,
  leaderOf?: Uint32Array,
): DecodedColumn {
  const r = new ByteReader(raw);
  let dict: string[] | undefined;
  let reference: number | undefined;
  let indexes: Uint32Array | undefined;
  let table: NumberArray | undefined;
  if (encoding >= ENCODING_KEYED) {
    if (type === 'addr' || type === 'string') throw new DecodeError(`keyed encoding for a ${type} column`);
    table = decodeKeyed(r, array, ctx);
  } else if (encoding >= ENCODING_RELATIVE) {
    if (!(array instanceof Float64Array)) throw new DecodeError(`relative encoding for a ${type} column`);
    reference = r.varint();
    const values = ctx.referenceValues?.(reference);
    if (values === undefined) decodeInts(r, array);
    else {
      if (values.length !== array.length) throw new DecodeError('reference column of another length');
      if (raw[r.pos] === INT_SPARSE) {
        r.u8();
        decodeSparseFrom(r, array, values, decodeInts);
      } else {
        decodeInts(r, array);
        applyReference(array, values);
      }
      reference = undefined;
    }
  } else if (type === 'addr') {
    if (raw[0] === ADDR_DICT || raw[0] === ADDR_SHARED) {
      indexes = ctx.indexScratch(rows).subarray(0, rows);
      const shared = raw[0] === ADDR_SHARED ? ctx.sharedAddresses() : undefined;
      decodeAddrDict(r, array as Uint8Array, indexes, shared, leaderOf);
    } else decodeAddrs(r, array as Uint8Array);
  } else if (type === 'string') dict = decodeStrings(r, array as Uint32Array);
  else decodeInts(r, array);
  if (r.pos !== raw.length) throw new DecodeError(`${raw.length - r.pos} bytes left after the column`);
  if (indexes !== undefined) return { array, dict, reference, indexes };
  return table === undefined ? { array, dict, reference } : { array, dict, reference, table };
}

/**
 * The dictionary indexes of an address block of `rows` rows without decoding the addresses
 * (a keyed column read without its key). Throws DecodeError if the block is no ADDR_DICT.
 */
export function decodeIndexesOnly(raw: Uint8Array, rows: number, into: Uint32Array): Uint32Array {
  if (raw[0] !== ADDR_DICT && raw[0] !== ADDR_SHARED) {
    throw new DecodeError('the key of a keyed column is not an address dictionary');
  }
  const indexes = into.subarray(0, rows);
  const r = new ByteReader(raw);
  decodeAddrDictIndexes(r, indexes);
  if (r.pos !== raw.length) throw new DecodeError(`${raw.length - r.pos} bytes left after the indexes`);
  return indexes;
}

/**
 * Marks in `marks` the dictionary entries an address block's `rows` stored rows use (the
 * distinct form), without writing their indexes out unless the block's form needs `scratch`;
 * returns the largest index for the caller to check. Throws DecodeError if the block is no
 * ADDR_DICT or ADDR_SHARED.
 */
export function markIndexesOnly(
  raw: Uint8Array,
  rows: number,
  marks: Uint8Array,
  scratch: Uint32Array,
): number {
  if (raw[0] !== ADDR_DICT && raw[0] !== ADDR_SHARED)
    throw new DecodeError('not an address dictionary block');
  const r = new ByteReader(raw);
  const max = markAddrDictIndexes(r, rows, marks, scratch);
  if (r.pos !== raw.length) throw new DecodeError(`${raw.length - r.pos} bytes left after the indexes`);
  return max;
}
