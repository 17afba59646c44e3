import type { NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import type { AddressDictionary, JobColumns } from '../backend.js';
import { type ColumnAllocator, entriesName, indexesName } from '../encoding/column-alloc.js';
import { AddrDictMerge } from './addr-dict-merge.js';

/** This thread's merge of address dictionaries (reads are synchronous: one at a time). */
export const jobMerge = new AddrDictMerge();
const JOB_ENTRIES = entriesName('\u0000job');

/**
 * A job's address columns in dictionary form, over several parts: one merged dictionary. Every
 * dictionary a part returns is merged (the asked columns', and keys of keyed columns), its
 * indexes re-coded in place; only the asked columns come back in dictionary form.
 */
export class JobAddresses {
  private readonly inDictForm = new Set<string>();
  /** Parts that stored an asked column without a dictionary: [column, first row, rows]. */
  private readonly rowParts: [string, number, number][] = [];

  constructor(private readonly asked: readonly string[]) {
    jobMerge.reset();
  }

  /**
   * Merges the part's dictionaries; `remapped(name, remap)` sees, per address column, the job
   * index of each entry of the part's dictionary (valid during the call only).
   */
  addPart(
    part: JobColumns,
    offset: number,
    types: Record<string, ColumnType>,
    remapped?: (name: string, remap: Uint32Array) => void,
  ): void {
    for (const [name, dict] of Object.entries(part.addressDicts ?? {})) {
      const remap = jobMerge.addDictionary(dict.entries, dict.size, dict.indexes);
      this.inDictForm.add(name);
      remapped?.(name, remap);
    }
    for (const name of this.asked) {
      if (part.addressDicts?.[name] === undefined && types[name] === 'addr')
        this.rowParts.push([name, offset, part.rows]);
    }
  }

  /** The dictionary form of every asked column some part stored as a dictionary (the rest stay rows). */
  finish(whole: Record<string, NumberArray>, allocate: ColumnAllocator): Record<string, AddressDictionary> {
    const out: Record<string, AddressDictionary> = {};
    const names = this.asked.filter((name) => this.inDictForm.has(name));
    if (names.length === 0) return out;
    for (const [name, at, n] of this.rowParts) {
      if (!this.inDictForm.has(name)) continue;
      const indexes = whole[indexesName(name)] as Uint32Array;
      const rows = whole[name] as Uint8Array;
      jobMerge.addRows(rows.subarray(at * 16, (at + n) * 16), indexes.subarray(at, at + n));
    }
    const entries = allocate(JOB_ENTRIES, 'addr', jobMerge.size) as Uint8Array;
    jobMerge.writeEntries(entries);
    for (const name of names) {
      out[name] = { entries, size: jobMerge.size, indexes: whole[indexesName(name)] as Uint32Array };
    }
    return out;
  }
}
