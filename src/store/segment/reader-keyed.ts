import type { NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { KeyedColumn } from '../backend.js';
import { ByteReader, DecodeError } from '../encoding/byte-io.js';
import { type ColumnAllocator, indexesName, tableName } from '../encoding/column-alloc.js';
import { decodeIndexesOnly } from '../encoding/column-decode.js';
import { expandRepeats } from '../encoding/expand.js';
import { decodeInts, largest } from '../encoding/int-decode.js';
import { decodeKeyedTable, readKeyedHead } from '../encoding/keyed-decode.js';
import { decodeTableCodes } from './keyed-codes.js';
import { ENCODING_KEYED, type PartDecoder, type PartRead } from './part-decoder.js';
import { CorruptSegmentError } from './types.js';

/**
 * Keyed column `c` of a part in keyed form (`ReadOptions.keyed`): its table and its key's
 * dictionary indexes on every row, without the per-row lookup. Undefined when the part does not
 * store it keyed (the caller decodes rows). Indexes and tables come from `alloc` (`indexesName`
 * of the key — the same array as the key's dictionary form when that was read first in this
 * call — and `tableName`); a table shared with another keyed column is that column's array.
 * Throws CorruptSegmentError for a bad block, or an index beyond the table.
 */
export function keyedForm(
  dec: PartDecoder,
  read: PartRead,
  c: number,
  alloc: ColumnAllocator,
  /** Called with the key before its indexes are taken (to read its dictionary form first). */
  beforeKey?: (key: number) => void,
  /** Whether rows may index the table's distinct values instead (a job of one part: see below). */
  coded = false,
): KeyedColumn | undefined {
  const { entry } = read;
  const block = entry.blocks[c]!;
  if (block.encoding < ENCODING_KEYED) return undefined;
  const col = dec.footer.schema[c]!;
  const where = `part ${read.p} column ${col.name}`;
  try {
    const raw = dec.blocks.raw(block, where, 0);
    const r = new ByteReader(raw);
    const { key, t, owner } = readKeyedHead(r, entry.rows);
    const keyBlock = entry.blocks[key];
    const keyCol = dec.footer.schema[key];
    if (keyBlock === undefined || keyCol?.type !== 'addr')
      throw new DecodeError(`key column ${key} is not an address column`);
    if (dec.storedRows(entry, keyBlock) !== dec.storedRows(entry, block))
      throw new DecodeError(`key column ${key} stores other rows`);
    const asCodes = owner < 0 && coded ? codedTable(r, col, t, alloc) : undefined;
    let table: NumberArray;
    if (asCodes !== undefined) table = asCodes.table;
    else if (owner < 0) {
      table = alloc(tableName(col.name), col.type, t);
      decodeInts(r, table);
      read.handedTables.set(c, table);
    } else {
      if (dec.footer.schema[owner]?.type !== col.type) throw new DecodeError('shared keyed table differs');
      table = ownerTable(dec, read, owner, entry.rows, where, alloc);
      if (table.length !== t) throw new DecodeError('shared keyed table differs');
    }
    if (r.pos !== raw.length) throw new DecodeError(`${raw.length - r.pos} bytes left after the column`);
    beforeKey?.(key);
    const indexes = keyIndexes(dec, read, key, `${where} (key)`, alloc);
    // A bound past the table (a dictionary longer than it) is settled by the indexes themselves.
    const top = maxIndex(read, key, indexes) < t ? 0 : largest(indexes);
    if (top >= t) throw new DecodeError(`key index ${top} of ${t}`);
    if (asCodes === undefined) return { key: keyCol.name, table, size: t, indexes };
    return { key: keyCol.name, table, size: asCodes.table.length, indexes, codes: asCodes.codes };
  } catch (err) {
    if (err instanceof CorruptSegmentError) throw err;
    throw new CorruptSegmentError(dec.path, `${where}: ${(err as Error).message}`);
  }
}

/**
 * Column `col`'s own table as its distinct values plus each key index's code into them
 * (`KeyedColumn.codes`), where the table is stored as a dictionary of values (an AS table:
 * ~2 600 values for ~39 000 addresses): no entry is looked up, and a kernel grouping or filtering
 * per code works over the few values. A job of several parts (whose keys' dictionaries are
 * merged) never asks for this form. Undefined, the reader where it was, when the table is stored
 * otherwise.
 */
function codedTable(
  r: ByteReader,
  col: ColumnDef,
  t: number,
  alloc: ColumnAllocator,
): { table: NumberArray; codes: Uint32Array } | undefined {
  const codes = (alloc(codesName(col.name), 'u32', t) as Uint32Array).subarray(0, t);
  const values = decodeTableCodes(r, codes);
  if (values === undefined) return undefined;
  const table = alloc(tableName(col.name), col.type, values.length);
  table.set(values);
  return { table, codes };
}

const codesName = (column: string): string => `${column}\u0000codes`;

/** The own table of keyed column `owner`, as handed over (decoded into `alloc` if not yet). */
function ownerTable(
  dec: PartDecoder,
  read: PartRead,
  owner: number,
  rows: number,
  where: string,
  alloc: ColumnAllocator,
): NumberArray {
  const known = read.handedTables.get(owner);
  if (known !== undefined) return known;
  const block = read.entry.blocks[owner];
  const col = dec.footer.schema[owner];
  if (block === undefined || col === undefined || block.encoding < ENCODING_KEYED)
    throw new DecodeError(`column ${owner} has no keyed table`);
  const raw = dec.blocks.raw(block, `${where} (table)`, 1);
  const r = new ByteReader(raw);
  const table = decodeKeyedTable(r, rows, (t) => alloc(tableName(col.name), col.type, t));
  r.done();
  read.handedTables.set(owner, table);
  return table;
}

/**
 * The dictionary indexes of address column `k` on every row (repeats expanded), in the caller's
 * memory: the key's dictionary form if it was read in this call, else a copy of indexes decoded
 * for a rows-form read, else decoded from its block alone.
 */
function keyIndexes(
  dec: PartDecoder,
  read: PartRead,
  k: number,
  where: string,
  alloc: ColumnAllocator,
): Uint32Array {
  const handed = read.handedIndexes.get(k);
  if (handed !== undefined) return handed;
  const { entry } = read;
  const indexes = alloc(indexesName(dec.footer.schema[k]!.name), 'u32', entry.rows) as Uint32Array;
  const decoded = read.indexes.get(k);
  if (decoded !== undefined) indexes.set(decoded);
  else {
    const block = entry.blocks[k]!;
    const stored = dec.storedRows(entry, block);
    decodeIndexesOnly(dec.blocks.raw(block, where, 1), stored, indexes);
    // The leaders' largest is every row's: a repeat copies a leader's index.
    read.keyMax.set(k, largest(indexes.subarray(0, stored)));
    if (stored < entry.rows) expandRepeats(indexes, stored, dec.leaderOf(read), false);
    read.indexes.set(k, indexes);
  }
  read.handedIndexes.set(k, indexes);
  return indexes;
}

/**
 * A bound on a key's indexes, once per key and call (tables are checked against it): its
 * dictionary's size when its dictionary form checked them, the leaders' largest when decoded
 * here, else (indexes a rows-form read left) their largest.
 */
function maxIndex(read: PartRead, k: number, indexes: Uint32Array): number {
  const known = read.keyMax.get(k);
  if (known !== undefined) return known;
  const max = largest(indexes);
  read.keyMax.set(k, max);
  return max;
}
