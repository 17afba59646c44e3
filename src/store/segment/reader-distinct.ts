import type { AddressSet } from '../backend.js';
import { DecodeError } from '../encoding/byte-io.js';
import { type ColumnAllocator, entriesName } from '../encoding/column-alloc.js';
import { encodingName } from '../encoding/column-codec.js';
import { decodeIndexesOnly } from '../encoding/column-decode.js';
import type { PartDecoder, PartRead } from './part-decoder.js';
import { CorruptSegmentError } from './types.js';

/** Allocation name of an address column's distinct form (a part's own: not laid end to end). */
export const distinctName = (column: string): string => entriesName(`${column}\u0000distinct`);

/** Reused per thread: the marks of the entries the column uses, its indexes, the entry list. */
let marks = new Uint8Array(1024);
let indexes = new Uint32Array(1024);
let list = new Uint32Array(1024);

/**
 * The distinct form of address column `c` (`ReadOptions.distinct`) where the part stores it in
 * its shared dictionary (ADDR_SHARED, version 4): the column's stored indexes decoded alone —
 * for a grouped block the leaders' only, with no repeat expanded (a repeat copies a leader's
 * index) — mark the entries it uses, and only those are written out, into
 * `alloc(distinctName(name))`. Undefined when the part stores the column otherwise (the caller
 * reads it as before).
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
    if (marks.length < size) {
      marks = new Uint8Array(Math.max(size, 2 * marks.length));
      list = new Uint32Array(marks.length);
    }
    const own = indexes.subarray(0, stored);
    decodeIndexesOnly(dec.blocks.raw(block, `part ${read.p} column ${name} (indexes)`, 1), stored, own);
    markUsed(own, size);
    const n = listMarked(size);
    const entries = alloc(distinctName(name), 'addr', n) as Uint8Array;
    table.writeSelected(entries, list, n);
    return { entries, size: n };
  } catch (err) {
    if (err instanceof CorruptSegmentError) throw err;
    throw new CorruptSegmentError(
      dec.path,
      `part ${read.p} column ${name} (distinct): ${(err as Error).message}`,
    );
  }
}

// The loops are functions of their own: inside distinctForm, on-stack replacement compiled them
// without feedback for the code after them, which deoptimized at every call.

/** Marks (1) the entries `indexes` use; throws on an index past the dictionary. */
function markUsed(indexes: Uint32Array, size: number): void {
  marks.fill(0, 0, size);
  for (let i = 0; i < indexes.length; i++) {
    const e = indexes[i]!;
    if (e >= size) throw new DecodeError(`address index ${e} of ${size}`);
    marks[e] = 1;
  }
}

/** Lists the marked entries; returns how many. Branch-free: the marks are random. */
function listMarked(size: number): number {
  let n = 0;
  for (let e = 0; e < size; e++) {
    list[n] = e;
    n += marks[e]!;
  }
  return n;
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
