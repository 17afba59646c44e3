import type { NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import type { JobColumns, KeyedColumn } from '../backend.js';
import { type ColumnAllocator, indexesName, tableName } from '../encoding/column-alloc.js';
import { jobMerge } from './job-addresses.js';

/**
 * One keyed column of a job of several parts: one table over the job's merged address
 * dictionary, each part's table moved to the merged indexes of its entries. Where the parts
 * disagree (an address with two values, another key, or a part that stored the column as rows),
 * the column becomes rows: the parts before from the merged table, the rest from their own.
 */
class KeyedMerge {
  key: string | undefined;
  /** Per job dictionary index: the value, and whether a part's row set it. */
  private values = new Float64Array(256);
  private set = new Uint8Array(256);
  /** The current part's table by job index (scratch). */
  private byJob = new Float64Array(256);
  /** Rows form since a disagreement: the job's array. */
  rows: NumberArray | undefined;

  constructor(
    readonly name: string,
    private readonly type: ColumnType,
    /** The job's array of the column (allocated on first call). */
    private readonly rowsOf: () => NumberArray,
  ) {}

  /** Part `form` at `offset`, its key indexes already re-coded with `remap` (part entry → job index). */
  add(form: KeyedColumn, remap: Uint32Array, offset: number, whole: Record<string, NumberArray>): void {
    this.grow(jobMerge.size);
    const byJob = this.byJob;
    const n = Math.min(remap.length, form.size);
    for (let e = 0; e < n; e++) byJob[remap[e]!] = form.table[e]!;
    const idx = form.indexes;
    if (this.rows === undefined && (this.key ?? form.key) === form.key) {
      this.key = form.key;
      const { values, set } = this;
      let i = 0;
      for (; i < idx.length; i++) {
        const m = idx[i]!;
        const v = byJob[m]!;
        if (set[m] === 0) {
          values[m] = v;
          set[m] = 1;
        } else if (values[m] !== v) break;
      }
      if (i === idx.length) return;
    }
    const out = this.toRows(offset, whole);
    for (let i = 0; i < idx.length; i++) out[offset + i] = byJob[idx[i]!]!;
  }

  /**
   * The job's rows array, the rows before `offset` (parts that agreed) from the merged table, and
   * the column in rows form from now on.
   */
  toRows(offset: number, whole: Record<string, NumberArray>): NumberArray {
    if (this.rows !== undefined) return this.rows;
    const out = this.rowsOf();
    if (this.key !== undefined) {
      const idx = whole[indexesName(this.key)] as Uint32Array;
      for (let i = 0; i < offset; i++) out[i] = this.values[idx[i]!]!;
    }
    this.rows = out;
    return out;
  }

  finish(allocate: ColumnAllocator, whole: Record<string, NumberArray>): KeyedColumn | undefined {
    if (this.rows !== undefined || this.key === undefined) return undefined;
    const size = jobMerge.size;
    this.grow(size);
    const table = allocate(tableName(this.name), this.type, size);
    for (let m = 0; m < size; m++) table[m] = this.set[m] === 1 ? this.values[m]! : 0;
    return { key: this.key, table, size, indexes: whole[indexesName(this.key)] as Uint32Array };
  }

  private grow(size: number): void {
    if (this.values.length >= size) return;
    const length = Math.max(size, 2 * this.values.length);
    const values = new Float64Array(length);
    values.set(this.values);
    const set = new Uint8Array(length);
    set.set(this.set);
    this.values = values;
    this.set = set;
    this.byJob = new Float64Array(length);
  }
}

/** The keyed columns asked of a job of several parts. */
export class JobKeyed {
  private readonly merges: KeyedMerge[];

  constructor(
    columns: readonly { name: string; type: ColumnType }[],
    /** The job's arrays (rows, key indexes), as the parts are read into them. */
    private readonly whole: Record<string, NumberArray>,
    /** The job's array of a column that turns to rows (allocated on first call). */
    rowsOf: (name: string, type: ColumnType) => NumberArray,
  ) {
    this.merges = columns.map((c) => new KeyedMerge(c.name, c.type, () => rowsOf(c.name, c.type)));
  }

  /** After address column `key` of `part` was merged with `remap`. */
  remapped(part: JobColumns, key: string, remap: Uint32Array, offset: number): void {
    for (const merge of this.merges) {
      const form = part.keyed?.[merge.name];
      if (form?.key === key) merge.add(form, remap, offset, this.whole);
    }
  }

  /** After a part: a column it returned as rows (in the job's array already) turns to rows. */
  partDone(part: JobColumns, offset: number): void {
    for (const merge of this.merges) {
      if (part.keyed?.[merge.name] === undefined) merge.toRows(offset, this.whole);
    }
  }

  finish(allocate: ColumnAllocator): Record<string, KeyedColumn> {
    const out: Record<string, KeyedColumn> = {};
    for (const merge of this.merges) {
      const form = merge.finish(allocate, this.whole);
      if (form !== undefined) out[merge.name] = form;
    }
    return out;
  }
}
