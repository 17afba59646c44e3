import type { NumberArray } from '../../flow/batch.js';
import type { AddressDictionary, AddressSet, JobColumns } from '../backend.js';
import type { ColumnAllocator } from '../encoding/column-alloc.js';
import { usedEntries } from '../encoding/used-entries.js';
import { distinctName } from '../segment/reader-distinct.js';
import { AddrDictMerge } from './addr-dict-merge.js';

/** This thread's unions, one per asked column (reads are synchronous: one at a time). */
const merges: AddrDictMerge[] = [];
let scratchIndexes = new Uint32Array(1024);
let scratchEntries = new Uint8Array(16 * 1024);

/**
 * The distinct form (`ReadOptions.distinct`) of address columns over a job of several parts: the
 * union of each part's distinct addresses. A part that gave a column in distinct form adds its
 * set; one that could not (an older file, a column stored otherwise) adds the entries its rows
 * use (dictionary form) or its rows: every asked column comes back in distinct form.
 */
export class JobDistinct {
  constructor(private readonly asked: readonly string[]) {
    asked.forEach((_, i) => {
      merges[i] ??= new AddrDictMerge();
      merges[i].reset();
    });
  }

  /** Adds a part read at row `offset` of the job (its rows-form columns are in `whole`). */
  addPart(part: JobColumns, offset: number, whole: Readonly<Record<string, NumberArray>>): void {
    this.asked.forEach((name, i) => {
      const merge = merges[i]!;
      const set = part.distinct?.[name];
      const dict = part.addressDicts?.[name];
      const rows = whole[name];
      if (set !== undefined) addEntries(merge, set.entries, set.size);
      else if (dict !== undefined) {
        const used = usedAddresses(dict, part.rows);
        addEntries(merge, used.entries, used.size);
      } else if (rows instanceof Uint8Array) addEntries(merge, rows.subarray(offset * 16), part.rows);
    });
  }

  finish(allocate: ColumnAllocator): Record<string, AddressSet> {
    const out: Record<string, AddressSet> = {};
    this.asked.forEach((name, i) => {
      const merge = merges[i]!;
      const entries = allocate(distinctName(`${name}\u0000job`), 'addr', merge.size) as Uint8Array;
      out[name] = { entries: merge.writeEntries(entries), size: merge.size };
    });
    return out;
  }
}

function addEntries(merge: AddrDictMerge, entries: Uint8Array, n: number): void {
  if (scratchIndexes.length < n) scratchIndexes = new Uint32Array(Math.max(n, 2 * scratchIndexes.length));
  merge.addRows(entries, scratchIndexes.subarray(0, n));
}

/**
 * The entries of `dict` that its first `rows` rows use (a shared dictionary may hold others),
 * packed 16 bytes each into memory reused until the next call.
 */
export function usedAddresses(dict: AddressDictionary, rows: number): AddressSet {
  const used = usedEntries(dict.indexes.subarray(0, rows), dict.size);
  if (scratchEntries.length < used.length * 16)
    scratchEntries = new Uint8Array(Math.max(used.length * 16, 2 * scratchEntries.length));
  for (let k = 0; k < used.length; k++) {
    const e = used[k]!;
    scratchEntries.set(dict.entries.subarray(e * 16, e * 16 + 16), k * 16);
  }
  return { entries: scratchEntries, size: used.length };
}
