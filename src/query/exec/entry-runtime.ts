import type { HyperLogLog } from '../hll/index.js';
import { hashAddressWords } from '../hll/index.js';
import { entryWords } from './address-dicts.js';
import { denseState, flushValues } from './dense-groups.js';
import { cidrOf, fullBits } from './inet.js';
import type { EvalEnv } from './interpret.js';
import type { KernelState } from './kernel-state.js';
import type { PairSet } from './pair-set.js';
import type { IValue } from './values.js';

/**
 * The helpers of kernels over address columns in dictionary form (address-dicts.ts), part of the
 * kernels' runtime (`rt.…`): per-entry scratch, and what runs once per used entry after the rows.
 */

/** The interpreter's view of one entry (`row`) of an address column's dictionary. */
export class EntryEnv implements EvalEnv {
  row = 0;
  constructor(
    private readonly name: string,
    private readonly entries: Uint8Array,
  ) {}
  column(name: string): IValue {
    if (name !== this.name) throw new Error(`per-entry expression reads ${name}`);
    const at = this.row * 16;
    return cidrOf(this.entries, at, fullBits(this.entries, at));
  }
  key(): IValue {
    throw new Error('group key in a per-entry expression');
  }
  agg(): IValue {
    throw new Error('aggregate in a per-entry expression');
  }
}

/** The interpreter's view of one index (`row`) of a keyed column's table (keyed-columns.ts). */
export class KeyedEnv implements EvalEnv {
  row = 0;
  constructor(
    private readonly name: string,
    private readonly table: ArrayLike<number>,
  ) {}
  column(name: string): IValue {
    if (name !== this.name) throw new Error(`per-index expression reads ${name}`);
    return this.table[this.row]!;
  }
  key(): IValue {
    throw new Error('group key in a per-index expression');
  }
  agg(): IValue {
    throw new Error('aggregate in a per-index expression');
  }
}

/** `holder.buf`, at least `size` bytes, its first `size` zeroed: scratch reused from job to job. */
function zeroedBytes(holder: { buf: Uint8Array | null }, size: number): Uint8Array {
  let buf = holder.buf;
  if (buf === null || buf.length < size) {
    buf = new Uint8Array(Math.max(size, 2 * (buf?.length ?? 0), 1024));
    holder.buf = buf;
  } else buf.fill(0, 0, size);
  return buf;
}

/** `holder.buf`, at least `size` int32s, its first `size` zeroed. */
function zeroedInts(holder: { buf: Int32Array | null }, size: number): Int32Array {
  let buf = holder.buf;
  if (buf === null || buf.length < size) {
    buf = new Int32Array(Math.max(size, 2 * (buf?.length ?? 0), 1024));
    holder.buf = buf;
  } else buf.fill(0, 0, size);
  return buf;
}

/** Per-entry hashes computed on first use: `done` (zeroed per job) and two words per entry. */
function entryHashes(
  holder: { buf: Uint8Array | null; hash: Int32Array },
  size: number,
): { done: Uint8Array; hash: Int32Array } {
  const done = zeroedBytes(holder, size);
  if (holder.hash.length < 2 * done.length) holder.hash = new Int32Array(2 * done.length);
  return { done, hash: holder.hash };
}

let scratch = new Int32Array(4096);

/**
 * The words of the marked entries (marks 0 or 1), packed into `scratch` (valid until the next
 * call): their count. Branch-free — every entry is written and the next one overwrites it unless
 * it was marked — since about half of a job's entries are marked, in no order a branch predicts.
 * (Tried and slower: listing the used entries while marking them, whose count chains each row's
 * store to the previous row's mark load; hashing the marked entries in place, behind a branch.)
 */
function packMarked(marks: Uint8Array, words: Int32Array, size: number): number {
  if (scratch.length < size * 4 + 4) scratch = new Int32Array(size * 4 + 4);
  const out = scratch;
  let m = 0;
  for (let e = 0; e < size; e++) {
    const from = e << 2;
    out[m] = words[from]!;
    out[m + 1] = words[from + 1]!;
    out[m + 2] = words[from + 2]!;
    out[m + 3] = words[from + 3]!;
    m += marks[e]! << 2;
  }
  return m >> 2;
}

/** Adds every marked entry once to aggregate j's sketch of group 0 (approx_count_distinct, no GROUP BY). */
function sketchMarked(
  st: KernelState,
  j: number,
  newSketch: (st: KernelState, j: number, g: number) => HyperLogLog,
  marks: Uint8Array,
  words: Int32Array,
  size: number,
): void {
  const m = packMarked(marks, words, size);
  if (m === 0) return;
  (st.hll[j]![0] ?? newSketch(st, j, 0)).addAddressWords(scratch, 0, m);
}

/** Adds every marked entry once to group 0's distinct values (count(DISTINCT), no GROUP BY). */
function distinctMarked(pairs: PairSet, marks: Uint8Array, words: Int32Array, size: number): void {
  for (let e = 0; e < size; e++) {
    if (marks[e] === 0) continue;
    const at = e << 2;
    pairs.add(0, 1, words[at]!, words[at + 1]!, words[at + 2]!, words[at + 3]!);
  }
}

const hash = new Int32Array(2);

/** Entry e's address hash into hashes[2e], hashes[2e + 1]. */
function hashEntry(words: Int32Array, e: number, hashes: Int32Array): void {
  const at = e << 2;
  hashAddressWords(words[at]!, words[at + 1]!, words[at + 2]!, words[at + 3]!, hash);
  hashes[2 * e] = hash[0]!;
  hashes[2 * e + 1] = hash[1]!;
}

export const entryRuntime = {
  entryEnv: (name: string, entries: Uint8Array) => new EntryEnv(name, entries),
  keyedEnv: (name: string, table: ArrayLike<number>) => new KeyedEnv(name, table),
  entryWords,
  zeroedBytes,
  zeroedInts,
  entryHashes,
  hashEntry,
  sketchMarked,
  distinctMarked,
  denseState,
  flushValues,
};
