import { hashWords, hashWords4 } from './group-table.js';
import type { KernelState, StateArraySpec } from './kernel-state.js';
import { SpillBuffer } from './spill-buffer.js';
import { isCarryArray, KEY_HASHES } from './spillable.js';

type Column = Float64Array | Int32Array;

/**
 * GROUP BY one address column in dictionary form, for spillable aggregates (spillable.ts): a job's
 * rows accumulate straight into state arrays indexed by the row's dictionary index — no hashing,
 * no probing per row — and the entries the rows used then leave as one spill run of the kernel
 * state (key words, key hash and state values once per used entry), merged like any spill.
 * One DenseState per compiled kernel and thread, reused from job to job: between jobs every
 * array holds its initial value.
 */
export class DenseState {
  readonly arr: Record<string, Column> = {};
  /** Set by sumSlow once a sum of this job passed 2^52. */
  carried = false;
  /** Per entry: 1 once a row of this job used it; `used` lists them (in entry order) at the flush. */
  marks = new Uint8Array(0);
  used = new Int32Array(0);
  private capacity = 0;
  /** A job started and not flushed (a kernel that threw): reset everything before the next. */
  private dirty = false;
  private hashes = new Int32Array(0);
  /** A keyed column's values as key words (flushValues). */
  private valueWords = new Int32Array(0);
  private readonly specs: readonly StateArraySpec[];
  private readonly fills: readonly number[];

  constructor(private readonly all: readonly StateArraySpec[]) {
    this.specs = all.filter((s) => s.name !== KEY_HASHES.name);
    this.fills = all.map((s) => s.fill);
  }

  /** Ready for a job over a dictionary of `size` entries. */
  prepare(size: number): this {
    if (size > this.capacity) {
      this.capacity = Math.max(size, 2 * this.capacity);
      for (const s of this.specs) this.arr[s.name] = allocate(s, this.capacity);
      this.marks = new Uint8Array(this.capacity);
      this.used = new Int32Array(this.capacity);
      this.dirty = false;
    } else if (this.dirty) {
      for (const s of this.specs) this.arr[s.name]!.fill(s.fill);
      this.marks.fill(0);
    }
    this.carried = false;
    this.dirty = true;
    return this;
  }

  /** `table`'s first `size` values as int32 key words (memory reused from job to job). */
  keyWords(table: ArrayLike<number>, size: number): Int32Array {
    if (this.valueWords.length < size) this.valueWords = new Int32Array(Math.max(size, this.capacity));
    const words = this.valueWords;
    for (let c = 0; c < size; c++) words[c] = table[c]! | 0;
    return words;
  }

  /**
   * Moves the used entries among the first `size` (`words`: the dictionary's entries as int32
   * words) into `st`'s spill buffer as one run and resets them. In entry order, so that every
   * gather below walks its arrays forward (the rows marked them in no order: listing them as the
   * rows first use them made each gather a random read, and chained each row to the last mark).
   */
  flush(st: KernelState, words: Int32Array, size: number, width = 4): void {
    this.dirty = false;
    const used = this.used;
    const marks = this.marks;
    let n = 0;
    // Branch-free: about half of a job's entries are used, in no order a branch predicts.
    for (let e = 0; e < size; e++) {
      used[n] = e;
      n += marks[e]!;
    }
    if (n === 0) return;
    if (this.hashes.length < n) this.hashes = new Int32Array(Math.max(n, this.capacity));
    const hashes = this.hashes;
    if (width === 4)
      for (let u = 0; u < n; u++) {
        const e = used[u]!;
        hashes[u] = hashWords4(words, e << 2);
        marks[e] = 0;
      }
    else
      for (let u = 0; u < n; u++) {
        const e = used[u]!;
        // A one-word key's hash, as the kernels' tables compute it (unshifted).
        hashes[u] = hashWords(words, e, 1, 0);
        marks[e] = 0;
      }
    // High words of a job that never carried are all zero still: nothing to move or reset there.
    const arrays = this.all.map((s) =>
      s.name === KEY_HASHES.name || (isCarryArray(s.name) && !this.carried) ? null : this.arr[s.name]!,
    );
    st.spill ??= new SpillBuffer(st.table.width, st.arraySpecs);
    st.spill.appendEntries(words, used, hashes, arrays, this.fills, n);
  }
}

/**
 * `flush` for GROUP BY a keyed column by its codes (keyed-columns.ts): entry c's key is value
 * `table[c]` as one word (`| 0`, as the kernels encode an integer key).
 */
export function flushValues(ds: DenseState, st: KernelState, table: ArrayLike<number>, size: number): void {
  ds.flush(st, ds.keyWords(table, size), size, 1);
}

function allocate(spec: StateArraySpec, capacity: number): Column {
  const a = spec.type === 'f64' ? new Float64Array(capacity) : new Int32Array(capacity);
  if (spec.fill !== 0) a.fill(spec.fill);
  return a;
}

/** The kernel's DenseState (kept in `holder`, one of its constants), ready for a job of `size` entries. */
export function denseState(holder: { state: DenseState | null }, st: KernelState, size: number): DenseState {
  holder.state ??= new DenseState(st.arraySpecs);
  return holder.state.prepare(size);
}
