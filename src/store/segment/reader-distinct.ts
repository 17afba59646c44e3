import type { AddressSet } from '../backend.js';
import { type ColumnAllocator, entriesName } from '../encoding/column-alloc.js';
import { encodingName } from '../encoding/column-codec.js';
import { markIndexesOnly } from '../encoding/column-decode.js';
import { checkAddressIndexes, clearedMarks } from '../encoding/used-entries.js';
import type { PartDecoder, PartRead } from './part-decoder.js';
import { CorruptSegmentError } from './types.js';

/** Allocation name of an address column's distinct form (a part's own: not laid end to end). */
export const distinctName = (column: string): string => entriesName(`${column}\u0000distinct`);

/** Reused per thread: the column's stored indexes, for block forms that are not marked as they unpack. */
let indexes = new Uint32Array(1024);

/**
 * The distinct form of address column `c` (`ReadOptions.distinct`) where the part stores it in
 * its shared dictionary (ADDR_SHARED, version 4): the column's stored indexes — for a grouped
 * block the leaders' only, with no repeat expanded (a repeat copies a leader's index) — mark the
 * entries they use as they unpack (bit-packed: no index written out), and only those entries
 * are written out, into `alloc(distinctName(name))` (room for every entry + 1: they are written
 * branch-free). Undefined when the part stores the column otherwise (the caller reads it as
 * before).
 */
export function distinctForm(
  dec: PartDecoder,
  read: PartRead,
  c: number,
  alloc: ColumnAllocator,
): AddressSet | undefined {
  const { entry } = read;
  const block = entry.blocks[c];
  if (entry.addresses === undefined || block === undefined || encodingName(block.encoding) !== 'addr-shared')
    return undefined;
  const name = dec.footer.schema[c]!.name;
  try {
    const table = dec.sharedAddresses(read);
    const size = table.size;
    const stored = dec.storedRows(entry, block);
    if (indexes.length < stored) indexes = new Uint32Array(Math.max(stored, 2 * indexes.length));
    const marks = clearedMarks(size);
    const raw = dec.blocks.raw(block, `part ${read.p} column ${name} (indexes)`, 1);
    const max = markIndexesOnly(raw, stored, marks, indexes);
    checkAddressIndexes(max, stored, size);
    const entries = alloc(distinctName(name), 'addr', size + 1) as Uint8Array;
    const count = table.writeMarked(marks, entries);
    return { entries: entries.subarray(0, count * 16), size: count };
  } catch (err) {
    if (err instanceof CorruptSegmentError) throw err;
    throw new CorruptSegmentError(
      dec.path,
      `part ${read.p} column ${name} (distinct): ${(err as Error).message}`,
    );
  }
}

/** The distinct forms `readPart` can give of the asked columns (`names`); undefined if none. */
export function distinctForms(
  dec: PartDecoder,
  read: PartRead,
  names: readonly string[],
  wanted: ReadonlySet<string>,
  columnIndex: ReadonlyMap<string, number>,
  alloc: ColumnAllocator,
): Record<string, AddressSet> | undefined {
  const out: Record<string, AddressSet> = {};
  let any = false;
  for (const name of names) {
    const c = columnIndex.get(name);
    if (c === undefined || !wanted.has(name)) continue;
    const set = distinctForm(dec, read, c, alloc);
    if (set === undefined) continue;
    out[name] = set;
    any = true;
  }
  return any ? out : undefined;
}
