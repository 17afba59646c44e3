import { PARTITIONS } from './group-table.js';
import type { StateArraySpec } from './kernel-state.js';
import { sharedF64, sharedI32, sharedU32 } from './shared-arrays.js';
import { KEY_HASHES } from './spillable.js';

type Column = Float64Array | Int32Array;

/** One spill of a kernel state's table: its groups sorted by hash partition, in shared memory. */
export interface SpillRun {
  readonly groups: number;
  readonly keys: Int32Array;
  /** Per state array (spec order); null when all zero (high words of sums below 2^52). */
  readonly columns: readonly (Column | null)[];
  /** Groups parts[p] .. parts[p + 1] are those of hash partition p. */
  readonly parts: Uint32Array;
}

/** Entries of the chunks of shared memory the runs are cut from: the first, and at most. */
const FIRST_CHUNK = 1 << 14;
const MAX_CHUNK = 1 << 16;

/**
 * Groups a kernel state moved out of its table whenever the table reached its cap (spill.ts).
 * Each spill is one run, sorted by hash partition with a counting sort over a table's worth of
 * groups (within cache), written straight into shared memory: the runs become the partial.
 */
export class SpillBuffer {
  readonly runs: SpillRun[] = [];
  private chunkKeys: Int32Array = sharedI32(0);
  private chunkColumns: (Column | null)[];
  private used = 0;
  private capacity = 0;
  private readonly counts = new Uint32Array(PARTITIONS + 1);
  /** Each appended group's place in its run. */
  private place = new Int32Array(0);

  constructor(
    private readonly width: number,
    private readonly specs: readonly StateArraySpec[],
  ) {
    this.chunkColumns = specs.map(() => null);
  }

  /** Groups in all runs. */
  get size(): number {
    let n = 0;
    for (const r of this.runs) n += r.groups;
    return n;
  }

  /**
   * Appends groups [0, n) of `keys` (width words each) and of each array as one run sorted by the
   * partition of `hashes` (each group's key hash: its top bits); a null array stands for n zeros.
   */
  append(keys: Int32Array, hashes: Int32Array, arrays: readonly (Column | null)[], n: number): void {
    const w = this.width;
    if (this.used + n > this.capacity) this.newChunk(n);
    if (this.place.length < n) this.place = new Int32Array(n);
    const place = this.place;
    const parts = this.partitionPlaces(hashes, n);
    const at = this.used;
    const runKeys = this.chunkKeys.subarray(at * w, (at + n) * w);
    moveWords(keys, runKeys, w, place, n);
    const columns = arrays.map((a, c) => {
      if (a === null) return null;
      const run = this.chunkColumn(c).subarray(at, at + n);
      if (a instanceof Float64Array) moveF64(a, run as Float64Array, place, n);
      else moveI32(a, run as Int32Array, place, n);
      return run;
    });
    this.used += n;
    this.runs.push({ groups: n, keys: runKeys, columns, parts });
  }

  /**
   * Appends groups used[0 .. n) of state arrays indexed by dictionary entry (dense-groups.ts) as
   * one run, like `append` without gathering them first: each group's key is its entry's words
   * (the state's width: 4 for an address, 1 for a keyed column's value) in `entryWords`, its hash `hashes[u]`; `arrays` in spec order (the key hashes' place and
   * arrays known to be all zero: null). Each used entry of the arrays goes back to its `fills`.
   */
  appendEntries(
    entryWords: Int32Array,
    used: Int32Array,
    hashes: Int32Array,
    arrays: readonly (Column | null)[],
    fills: readonly number[],
    n: number,
  ): void {
    if (this.used + n > this.capacity) this.newChunk(n);
    if (this.place.length < n) this.place = new Int32Array(n);
    const place = this.place;
    const parts = this.partitionPlaces(hashes, n);
    const at = this.used;
    const w = this.width;
    const runKeys = this.chunkKeys.subarray(at * w, (at + n) * w);
    if (w === 4) {
      for (let u = 0; u < n; u++) {
        const from = used[u]! << 2;
        const to = place[u]! << 2;
        runKeys[to] = entryWords[from]!;
        runKeys[to + 1] = entryWords[from + 1]!;
        runKeys[to + 2] = entryWords[from + 2]!;
        runKeys[to + 3] = entryWords[from + 3]!;
      }
    } else {
      for (let u = 0; u < n; u++)
        for (let j = 0; j < w; j++) runKeys[place[u]! * w + j] = entryWords[used[u]! * w + j]!;
    }
    const columns = this.specs.map((s, c) => {
      const a = arrays[c];
      const run = this.chunkColumn(c).subarray(at, at + n);
      if (a === null || a === undefined) {
        if (s.name !== KEY_HASHES.name) return null;
        moveI32(hashes, run as Int32Array, place, n);
      } else if (a instanceof Float64Array) takeF64(a, used, run as Float64Array, place, n, fills[c]!);
      else takeI32(a as Int32Array, used, run as Int32Array, place, n, fills[c]!);
      return run;
    });
    this.used += n;
    this.runs.push({ groups: n, keys: runKeys, columns, parts });
  }

  /** Counting sort of groups [0, n) by the partition of their hash: `place` and the run's bounds. */
  private partitionPlaces(hashes: Int32Array, n: number): Uint32Array {
    const place = this.place;
    const counts = this.counts;
    counts.fill(0);
    for (let g = 0; g < n; g++) counts[(hashes[g]! >>> 24) + 1]!++;
    for (let p = 1; p <= PARTITIONS; p++) counts[p]! += counts[p - 1]!;
    const parts = sharedU32(PARTITIONS + 1);
    parts.set(counts);
    for (let g = 0; g < n; g++) place[g] = counts[hashes[g]! >>> 24]!++;
    return parts;
  }

  private chunkColumn(c: number): Column {
    let chunk = this.chunkColumns[c];
    if (chunk === null || chunk === undefined) {
      chunk = this.specs[c]!.type === 'f64' ? sharedF64(this.capacity) : sharedI32(this.capacity);
      this.chunkColumns[c] = chunk;
    }
    return chunk;
  }

  private newChunk(n: number): void {
    // Small first (a job that spilled once), then larger ones.
    this.capacity = Math.max(n, this.capacity === 0 ? FIRST_CHUNK : Math.min(2 * this.capacity, MAX_CHUNK));
    this.chunkKeys = sharedI32(this.capacity * this.width);
    this.chunkColumns = this.specs.map(() => null);
    this.used = 0;
  }
}

/** Key words of groups [0, n) to their places. */
function moveWords(from: Int32Array, to: Int32Array, width: number, place: Int32Array, n: number): void {
  if (width === 1) {
    for (let g = 0; g < n; g++) to[place[g]!] = from[g]!;
  } else if (width === 4) {
    for (let g = 0; g < n; g++) {
      const at = place[g]! << 2;
      const f = g << 2;
      to[at] = from[f]!;
      to[at + 1] = from[f + 1]!;
      to[at + 2] = from[f + 2]!;
      to[at + 3] = from[f + 3]!;
    }
  } else {
    for (let g = 0; g < n; g++) {
      const at = place[g]! * width;
      for (let j = 0; j < width; j++) to[at + j] = from[g * width + j]!;
    }
  }
}

/** One loop per array type, so that each sees one element kind. */
function moveF64(from: Float64Array, to: Float64Array, place: Int32Array, n: number): void {
  for (let g = 0; g < n; g++) to[place[g]!] = from[g]!;
}

function moveI32(from: Int32Array, to: Int32Array, place: Int32Array, n: number): void {
  for (let g = 0; g < n; g++) to[place[g]!] = from[g]!;
}

/** to[place[u]] = from[used[u]], then from[used[u]] = fill. */
function takeF64(
  from: Float64Array,
  used: Int32Array,
  to: Float64Array,
  place: Int32Array,
  n: number,
  fill: number,
): void {
  for (let u = 0; u < n; u++) {
    const g = used[u]!;
    to[place[u]!] = from[g]!;
    from[g] = fill;
  }
}

function takeI32(
  from: Int32Array,
  used: Int32Array,
  to: Int32Array,
  place: Int32Array,
  n: number,
  fill: number,
): void {
  for (let u = 0; u < n; u++) {
    const g = used[u]!;
    to[place[u]!] = from[g]!;
    from[g] = fill;
  }
}
