import type { AddressDictionary } from '../backend.js';
import { type AddrTable, decodeAddrDictIndexed } from '../encoding/addr-dict.js';
import { ByteReader } from '../encoding/byte-io.js';
import { type ColumnAllocator, entriesName, indexesName } from '../encoding/column-alloc.js';

/**
 * An ADDR_DICT or ADDR_SHARED block (`raw`, decompressed) of address column `name` in dictionary
 * form (`ReadOptions.addressDicts`): the indexes of its `rows` rows, repeats expanded with
 * `leaderOf` and checked against the dictionary, and the dictionary's entries. `shared`: the
 * part's shared dictionary for an ADDR_SHARED block; its entries, if another column of the part
 * already wrote them (`sharedEntries`), are handed over again instead of written twice.
 * Indexes and entries come from `alloc` (named so they cannot clash with a column's).
 */
export function addressDictOf(
  raw: Uint8Array,
  name: string,
  rows: number,
  leaderOf: Uint32Array | undefined,
  shared: AddrTable | undefined,
  sharedEntries: Uint8Array | undefined,
  alloc: ColumnAllocator,
): AddressDictionary {
  const indexes = alloc(indexesName(name), 'u32', rows) as Uint32Array;
  const r = new ByteReader(raw);
  // Checks the indexes too (the leaders' as they decode: repeated rows copy them).
  const table = decodeAddrDictIndexed(r, indexes, shared, leaderOf);
  r.done();
  let entries = shared === undefined ? undefined : sharedEntries;
  if (entries === undefined) {
    entries = alloc(entriesName(shared === undefined ? name : ''), 'addr', table.size) as Uint8Array;
    table.writeEntries(entries);
  }
  return { entries, size: table.size, indexes };
}
