import type { NumberArray } from '../../flow/batch.js';
import type { AddressDictionary, AddressSet, JobColumns } from '../backend.js';
import type { ColumnAllocator } from '../encoding/column-alloc.js';
import { distinctName } from '../segment/reader-distinct.js';
import { AddrDictMerge } from './addr-dict-merge.js';

/** This thread's unions, one per asked column (reads are synchronous: one at a time). */
const merges: AddrDictMerge[] = [];
let scratchIndexes = new Uint32Array(1024);
let scratchEntries = new Uint8Array(16 * 1024);
let marks = new Uint8Array(1024);

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
      else if (dict !== undefined) addUsed(merge, dict, part.rows);
      else if (rows instanceof Uint8Array) addEntries(merge, rows.subarray(offset * 16), part.rows);
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

/** Adds the entries of a dictionary some row uses (a shared dictionary may hold others). */
function addUsed(merge: AddrDictMerge, dict: AddressDictionary, rows: number): void {
  if (marks.length < dict.size) marks = new Uint8Array(Math.max(dict.size, 2 * marks.length));
  marks.fill(0, 0, dict.size);
  const { indexes } = dict;
  for (let i = 0; i < rows; i++) marks[indexes[i]!] = 1;
  if (scratchEntries.length < dict.size * 16)
    scratchEntries = new Uint8Array(Math.max(dict.size * 16, 2 * scratchEntries.length));
  let used = 0;
  for (let e = 0; e < dict.size; e++) {
    if (marks[e] === 0) continue;
    scratchEntries.set(dict.entries.subarray(e * 16, e * 16 + 16), used * 16);
    used++;
  }
  addEntries(merge, scratchEntries, used);
}
