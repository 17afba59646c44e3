import type { NumberArray } from '../../flow/batch.js';

/**
 * Repeated conversations. Flow exports repeat conversations: a long flow is exported at every
 * active timeout and a sampled elephant yields many records, so a quarter of the benchmark's
 * records repeat the addresses, ports, protocol, interfaces… of an earlier record of the part.
 * The writer stores each distinct conversation once: the part's rows are the leaders (the first
 * row of each distinct key, in sorted order), then the repeats, ordered by their leader. Columns
 * of the key ("grouped" blocks) store the leaders' values only; the reader copies them to the
 * repeats with one indexed copy per repeat (expand.ts). The other columns (times, counters)
 * store every row in this order.
 */
export interface RowGroups {
  /** Input rows in stored order: leaders, then repeats. */
  readonly order: Uint32Array;
  readonly leaders: number;
  /** For stored row leaders + j: the stored position of its leader (non-decreasing in j). */
  readonly leaderOf: Uint32Array;
}

const EMPTY = new Uint32Array(0);

function mixF64(h: Uint32Array, col: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    const x = (v >>> 0) ^ Math.imul((v / 4294967296) >>> 0, 0x85ebca6b);
    h[i] = Math.imul(h[i]! ^ x, 0x9e3779b1) ^ (h[i]! >>> 15);
  }
}
function mixU32(h: Uint32Array, col: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) h[i] = Math.imul(h[i]! ^ col[i]!, 0x9e3779b1) ^ (h[i]! >>> 15);
}
function mixU16(h: Uint32Array, col: Uint16Array, n: number): void {
  for (let i = 0; i < n; i++) h[i] = Math.imul(h[i]! ^ col[i]!, 0x9e3779b1) ^ (h[i]! >>> 15);
}
function mixU8(h: Uint32Array, col: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) h[i] = Math.imul(h[i]! ^ col[i]!, 0x9e3779b1) ^ (h[i]! >>> 15);
}

/**
 * Key columns by array type, so that comparing two rows reads each type in its own loop (one
 * loop over mixed typed arrays is megamorphic and several times slower).
 */
class Keys {
  readonly f64: Float64Array[] = [];
  readonly u32: Uint32Array[] = [];
  readonly u16: Uint16Array[] = [];
  readonly u8: Uint8Array[] = [];

  constructor(keys: readonly NumberArray[]) {
    for (const key of keys) {
      if (key instanceof Float64Array) this.f64.push(key);
      else if (key instanceof Uint32Array) this.u32.push(key);
      else if (key instanceof Uint16Array) this.u16.push(key);
      else this.u8.push(key);
    }
  }

  same(a: number, b: number): boolean {
    for (const k of this.u32) if (k[a] !== k[b]) return false;
    for (const k of this.u16) if (k[a] !== k[b]) return false;
    for (const k of this.u8) if (k[a] !== k[b]) return false;
    for (const k of this.f64) if (k[a] !== k[b]) return false;
    return true;
  }
}

/** Runs of rows equal in the run key longer than this are grouped by hashing instead. */
const LONG_RUN = 48;

/**
 * Leaders by runs: `order` is sorted by `runKeys` (group keys too), so two rows with the same key
 * sit in one run of equal run keys; most runs are one row long and need no comparison. Fills
 * group/leaderRow like the hashed variant; returns the number of leaders, or -1 if a run is long.
 */
function groupByRuns(
  order: Uint32Array,
  keys: Keys,
  runKeys: readonly Uint32Array[],
  group: Uint32Array,
  leaderRow: Uint32Array,
): number {
  const n = order.length;
  const k0 = runKeys[0]!;
  const k1 = runKeys[1] ?? k0;
  let leaders = 0;
  let start = 0;
  while (start < n) {
    const a = k0[order[start]!]!;
    const b = k1[order[start]!]!;
    let end = start + 1;
    while (end < n && k0[order[end]!] === a && k1[order[end]!] === b) end++;
    if (end - start > LONG_RUN) return -1;
    const runLeaders = leaders;
    for (let i = start; i < end; i++) {
      const row = order[i]!;
      let g = runLeaders;
      while (g < leaders && !keys.same(leaderRow[g]!, row)) g++;
      group[row] = g;
      if (g === leaders) leaderRow[leaders++] = row;
    }
    start = end;
  }
  return leaders;
}

/**
 * Splits `order` (a permutation of the part's n input rows) into leaders and repeats by `keys`
 * (one value per input row each; addresses as dictionary indexes). Leaders keep their relative
 * order; repeats follow, grouped by leader, in their relative order. `runKeys`: one or two keys
 * `order` is sorted by first (then only rows in runs equal in them are compared).
 */
export function groupRows(
  order: Uint32Array,
  keys: readonly NumberArray[],
  runKeys: readonly Uint32Array[] = [],
): RowGroups {
  const n = order.length;
  if (keys.length === 0 || n < 2) return { order, leaders: n, leaderOf: EMPTY };
  const group = new Uint32Array(n);
  const leaderRow = new Uint32Array(n);
  const typed = new Keys(keys);
  let leaders = runKeys.length > 0 ? groupByRuns(order, typed, runKeys, group, leaderRow) : -1;
  if (leaders < 0) leaders = groupByHash(order, keys, typed, group, leaderRow);
  if (leaders === n) return { order, leaders: n, leaderOf: EMPTY };
  return repeatsAfterLeaders(order, group, leaderRow, leaders);
}

/** Leaders by a hash table over every row's key; returns their number. */
function groupByHash(
  order: Uint32Array,
  keys: readonly NumberArray[],
  typed: Keys,
  group: Uint32Array,
  leaderRow: Uint32Array,
): number {
  const n = order.length;
  const hashes = new Uint32Array(n).fill(0x811c9dc5);
  for (const key of keys) {
    if (key instanceof Float64Array) mixF64(hashes, key, n);
    else if (key instanceof Uint32Array) mixU32(hashes, key, n);
    else if (key instanceof Uint16Array) mixU16(hashes, key, n);
    else mixU8(hashes, key, n);
  }
  let bits = 4;
  while (1 << bits < 2 * n) bits++;
  const mask = (1 << bits) - 1;
  const slots = new Int32Array(mask + 1).fill(-1);
  let leaders = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    const h = hashes[row]!;
    let s = Math.imul(h, 0x9e3779b1) >>> (32 - bits);
    for (;;) {
      const e = slots[s]!;
      if (e < 0) {
        slots[s] = row;
        group[row] = leaders;
        leaderRow[leaders++] = row;
        break;
      }
      if (hashes[e] === h && typed.same(e, row)) {
        group[row] = group[e]!;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return leaders;
}

/** The stored order: leaders, then repeats by leader (a counting sort, stable). */
function repeatsAfterLeaders(
  order: Uint32Array,
  group: Uint32Array,
  leaderRow: Uint32Array,
  leaders: number,
): RowGroups {
  const n = order.length;
  const start = new Uint32Array(leaders + 1);
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    const g = group[row]!;
    if (leaderRow[g] !== row) start[g + 1]!++;
  }
  for (let g = 0; g < leaders; g++) start[g + 1]! += start[g]!;
  const stored = new Uint32Array(n);
  const leaderOf = new Uint32Array(n - leaders);
  stored.set(leaderRow.subarray(0, leaders));
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    const g = group[row]!;
    if (leaderRow[g] === row) continue;
    const j = start[g]!++;
    stored[leaders + j] = row;
    leaderOf[j] = g;
  }
  return { order: stored, leaders, leaderOf };
}
