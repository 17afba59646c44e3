/** Blocks of more rows than this whose values span fewer than DIRECT_RANGE are checked directly first. */
const DIRECT_FROM = 4096;
const DIRECT_RANGE = 1 << 20;
/** For `directExceeds`, shared by every counter of the thread: per value − min, the last stamp that saw it. */
let stamps = new Uint32Array(0);
let stamp = 0;

/**
 * Counts the distinct values of a column block and how often each occurs, in an open-addressing
 * hash table of typed arrays (no allocation per value). Gives up past a limit of distinct values.
 */
export class DistinctCounter {
  /** Distinct values in order of first appearance, then (after `rankByFrequency`) most frequent first. */
  readonly values: Float64Array;
  readonly counts: Uint32Array;
  size = 0;
  /** Entry index per slot, -1 for empty. */
  private readonly slots: Int32Array;
  /** Slot per entry, so that `clear` empties exactly the used slots. */
  private readonly slotOf: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(readonly capacity = 65536) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.slots = new Int32Array(1 << bits).fill(-1);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.values = new Float64Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.slotOf = new Int32Array(capacity);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.slots[this.slotOf[i]!] = -1;
    this.size = 0;
  }

  /**
   * Counts `values[0..n)`; returns false (and leaves the counter cleared) once more than `limit`
   * distinct values are seen.
   */
  count(values: Float64Array, n: number, limit: number, range?: { min: number; max: number }): boolean {
    this.clear();
    if (range !== undefined && n > DIRECT_FROM && range.max - range.min < DIRECT_RANGE) {
      if (this.directExceeds(values, n, Math.min(limit, this.capacity), range.min, range.max - range.min)) {
        return false;
      }
    }
    const slots = this.slots;
    const counts = this.counts;
    const max = Math.min(limit, this.capacity);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      const slot = this.find(v);
      const entry = slots[slot]!;
      if (entry >= 0) {
        counts[entry]!++;
        continue;
      }
      if (this.size === max) {
        this.clear();
        return false;
      }
      slots[slot] = this.size;
      this.slotOf[this.size] = slot;
      this.values[this.size] = v;
      counts[this.size++] = 1;
    }
    return true;
  }

  /**
   * Whether integers `values[0..n)` in [min, min + span] hold more than `limit` distinct values:
   * one flag per possible value, set with the current stamp (no clearing between blocks). A
   * direct load and store per row instead of a hash probe; a block over the limit (flow end
   * times, address indexes, ports in most parts) gives up several times sooner than the hash
   * count, and one within it is counted by the hash table after this pass.
   */
  private directExceeds(values: Float64Array, n: number, limit: number, min: number, span: number): boolean {
    if (stamps.length <= span) {
      stamps = new Uint32Array(Math.max(span + 1, stamps.length * 2));
      stamp = 0;
    }
    if (stamp === 0xffff_ffff) {
      stamps.fill(0);
      stamp = 0;
    }
    const current = ++stamp;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const k = values[i]! - min;
      if (stamps[k] !== current) {
        stamps[k] = current;
        if (++d > limit) return true;
      }
    }
    return false;
  }

  /** Reorders the entries most frequent first, so that the common values get the small codes. */
  rankByFrequency(): void {
    const n = this.size;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const counts = this.counts;
    order.sort((a, b) => counts[b]! - counts[a]! || a - b);
    // Same keys, same slots: only the entry numbers change.
    const values = this.values.slice(0, n);
    const sortedCounts = counts.slice(0, n);
    const slotOf = this.slotOf.slice(0, n);
    for (let i = 0; i < n; i++) {
      const from = order[i]!;
      this.values[i] = values[from]!;
      this.counts[i] = sortedCounts[from]!;
      this.slotOf[i] = slotOf[from]!;
      this.slots[slotOf[from]!] = i;
    }
  }

  /** Reorders the entries by ascending value (for a dictionary stored as deltas). */
  sortByValue(): void {
    const n = this.size;
    for (let i = 0; i < n; i++) this.slots[this.slotOf[i]!] = -1;
    const values = this.values.subarray(0, n);
    values.sort();
    // Counts are not kept in step (nothing reads them after this). Re-insert every value.
    for (let i = 0; i < n; i++) {
      const slot = this.find(values[i]!);
      this.slots[slot] = i;
      this.slotOf[i] = slot;
    }
  }

  /** The entry index of a value counted before (after `rankByFrequency`, its rank). */
  indexOf(v: number): number {
    return this.slots[this.find(v)]!;
  }

  /** The slot holding `v`, or the empty slot where it would go (multiplicative hash, linear probing). */
  private find(v: number): number {
    const lo = v >>> 0;
    const hi = (v / 4294967296) >>> 0;
    let slot = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
    const slots = this.slots;
    for (;;) {
      const entry = slots[slot]!;
      if (entry < 0 || this.values[entry] === v) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}
