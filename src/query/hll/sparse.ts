/**
 * Sparse representation: the distinct values seen so far as (index, rank) pairs at precision
 * p' = 25 (as in HLL++), kept in an open-addressing table of uint32 entries `index << 6 | rank`.
 * An entry exactly determines the dense register it would update at any precision p ≤ 25, so
 * sparse and dense sketches of the same values always convert to identical registers.
 */

export const SPARSE_PRECISION = 25;
export const SPARSE_MAX_RANK = 64 - SPARSE_PRECISION + 1;
const RANK_BITS = 6;
const RANK_MASK = (1 << RANK_BITS) - 1;
const INITIAL_CAPACITY = 16;

export function sparseEntry(hashHi: number, hashLo: number): number {
  const index = hashHi >>> (32 - SPARSE_PRECISION);
  const rest = hashHi << SPARSE_PRECISION;
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : 33 - SPARSE_PRECISION + Math.clz32(hashLo);
  return ((index << RANK_BITS) | rank) >>> 0;
}

export function entryIndex(entry: number): number {
  return entry >>> RANK_BITS;
}

export function entryRank(entry: number): number {
  return entry & RANK_MASK;
}

/** Apply a sparse entry to dense registers of the given precision (register max). */
export function applyEntryToDense(entry: number, registers: Uint8Array, precision: number): void {
  const extraBits = SPARSE_PRECISION - precision;
  const sparseIndex = entry >>> RANK_BITS;
  const low = sparseIndex & ((1 << extraBits) - 1);
  const rank = low !== 0 ? Math.clz32(low) - (32 - extraBits) + 1 : extraBits + (entry & RANK_MASK);
  const index = sparseIndex >>> extraBits;
  if (rank > registers[index]!) registers[index] = rank;
}

/** Set of sparse entries keyed by sparse index, keeping the maximum rank per index. */
export class SparseSet {
  private table = new Uint32Array(INITIAL_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(entry: number): void {
    const mask = this.table.length - 1;
    const index = entry >>> RANK_BITS;
    // Sparse indexes are hash bits already, so their low bits are a uniform slot.
    for (let slot = index & mask; ; slot = (slot + 1) & mask) {
      const current = this.table[slot]!;
      if (current === 0) {
        this.table[slot] = entry;
        if (++this.count * 2 > this.table.length) this.grow();
        return;
      }
      if (current >>> RANK_BITS === index) {
        if (entry > current) this.table[slot] = entry;
        return;
      }
    }
  }

  /** Entries in ascending index order. */
  sortedEntries(): Uint32Array {
    const entries = new Uint32Array(this.count);
    let n = 0;
    for (const entry of this.table) if (entry !== 0) entries[n++] = entry;
    return entries.sort();
  }

  forEach(visit: (entry: number) => void): void {
    for (const entry of this.table) if (entry !== 0) visit(entry);
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.count = 0;
    for (const entry of old) if (entry !== 0) this.add(entry);
  }
}
