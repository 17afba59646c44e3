import type { NumberArray } from '../../flow/batch.js';
import { type ByteReader, DecodeError } from './byte-io.js';
import { decodeInts } from './int-decode.js';

/**
 * A keyed block (ENCODING_KEYED, version 4): varint schema index of the key (an address column
 * stored as ADDR_DICT or ADDR_SHARED), varint table size t, u8 source, then for source 0 an
 * integer block of t values, one per entry of the key's dictionary; for source 1 a varint schema
 * index of another keyed column of the same type whose table this column shares (src_as and
 * dst_as over the part's shared address dictionary: an address has one AS on either side).
 * Row i's value is table[key index of row i]: an AS number or prefix length costs a few bits per
 * distinct address instead of a value per row.
 */

/** What a keyed block needs from the segment reader. */
export interface KeyedSources {
  /** The key column's dictionary indexes on this block's rows. */
  keyIndexes(c: number): Uint32Array;
  /** Memory for this column's own table of `t` values (of the column's array type). */
  tableScratch(t: number): NumberArray;
  /** The own table of keyed column `c` (same array type as this column). */
  tableOf(c: number): NumberArray;
}

function lookupF64(idx: Uint32Array, table: Float64Array, t: number, out: Float64Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = idx[i]!;
    if (k >= t) bad = k + 1;
    out[i] = table[k]!;
  }
  return bad;
}
function lookupU32(idx: Uint32Array, table: Uint32Array, t: number, out: Uint32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = idx[i]!;
    if (k >= t) bad = k + 1;
    out[i] = table[k]!;
  }
  return bad;
}
function lookupU16(idx: Uint32Array, table: Uint16Array, t: number, out: Uint16Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = idx[i]!;
    if (k >= t) bad = k + 1;
    out[i] = table[k]!;
  }
  return bad;
}
function lookupU8(idx: Uint32Array, table: Uint8Array, t: number, out: Uint8Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = idx[i]!;
    if (k >= t) bad = k + 1;
    out[i] = table[k]!;
  }
  return bad;
}

/** Reads the head of a keyed block; returns the key column, table size and the table's owner (or -1). */
export function readKeyedHead(r: ByteReader, rows: number): { key: number; t: number; owner: number } {
  const key = r.varint();
  const t = r.varint();
  if (t < 1 || t > Math.max(1, 2 * rows))
    throw new DecodeError(`keyed table of ${t} values for ${rows} rows`);
  const source = r.u8();
  if (source > 1) throw new DecodeError(`bad keyed table source ${source}`);
  return { key, t, owner: source === 1 ? r.varint() : -1 };
}

/** Decodes a keyed block into `out`. Returns its own table (undefined when it shares another's). */
export function decodeKeyed(r: ByteReader, out: NumberArray, sources: KeyedSources): NumberArray | undefined {
  const { key, t, owner } = readKeyedHead(r, out.length);
  const idx = sources.keyIndexes(key);
  if (idx.length !== out.length) throw new DecodeError(`key of ${idx.length} rows for ${out.length}`);
  let values: NumberArray;
  if (owner < 0) {
    values = sources.tableScratch(t);
    decodeInts(r, values);
  } else {
    values = sources.tableOf(owner);
    if (values.length !== t || values.constructor !== out.constructor)
      throw new DecodeError('shared keyed table differs');
  }
  let bad: number;
  if (out instanceof Float64Array) bad = lookupF64(idx, values as Float64Array, t, out);
  else if (out instanceof Uint32Array) bad = lookupU32(idx, values as Uint32Array, t, out);
  else if (out instanceof Uint16Array) bad = lookupU16(idx, values as Uint16Array, t, out);
  else bad = lookupU8(idx, values as Uint8Array, t, out);
  if (bad > 0) throw new DecodeError(`key index ${bad - 1} of ${t}`);
  return owner < 0 ? values : undefined;
}

/** Decodes only the own table of a keyed block (for a column that shares it). */
export function decodeKeyedTable(
  r: ByteReader,
  rows: number,
  scratch: (t: number) => NumberArray,
): NumberArray {
  const { t, owner } = readKeyedHead(r, rows);
  if (owner >= 0) throw new DecodeError('a shared keyed table refers to a column without its own');
  const values = scratch(t);
  decodeInts(r, values);
  return values;
}
