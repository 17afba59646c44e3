import { GroupTable } from './group-table.js';

/**
 * A set of (group id, value words) pairs, with an optional count per pair: exact count(DISTINCT)
 * and percentile_cont histograms for all groups of a job in one typed-array hash table, so adding
 * a value allocates nothing.
 */
export class PairSet {
  readonly table: GroupTable;
  readonly valueWidth: number;
  counts: Float64Array | null;
  private readonly buf: Int32Array;

  constructor(valueWidth: number, counted: boolean) {
    this.valueWidth = valueWidth;
    this.table = new GroupTable(valueWidth + 1, 1024);
    this.buf = new Int32Array(valueWidth + 1);
    this.counts = counted ? new Float64Array(this.table.capacity) : null;
    if (counted) {
      this.table.onGrow = (capacity) => {
        const next = new Float64Array(capacity);
        next.set(this.counts!);
        this.counts = next;
      };
    }
  }

  /** Adds (g, value words k0…) with weight `count`; returns true when the pair is new. */
  add(g: number, count: number, k0: number, k1 = 0, k2 = 0, k3 = 0, k4 = 0): boolean {
    const buf = this.buf;
    const w = this.valueWidth;
    buf[0] = g;
    buf[1] = k0;
    if (w > 1) buf[2] = k1;
    if (w > 2) buf[3] = k2;
    if (w > 3) buf[4] = k3;
    if (w > 4) buf[5] = k4;
    const before = this.table.size;
    const id = this.table.findOrInsert(buf, 0);
    if (this.counts !== null) this.counts[id] += count;
    return this.table.size > before;
  }

  /** Adds a pair whose value words are words[at .. at + valueWidth). */
  addWords(g: number, count: number, words: ArrayLike<number>, at: number): boolean {
    const buf = this.buf;
    buf[0] = g;
    for (let j = 0; j < this.valueWidth; j++) buf[j + 1] = words[at + j]!;
    const before = this.table.size;
    const id = this.table.findOrInsert(buf, 0);
    if (this.counts !== null) this.counts[id] += count;
    return this.table.size > before;
  }

  get size(): number {
    return this.table.size;
  }

  /** Pair ids grouped by group id: ids in `order`, group g's at order[offsets[g] .. offsets[g + 1]). */
  byGroup(groups: number): { offsets: Uint32Array; order: Uint32Array } {
    const w = this.valueWidth + 1;
    const keys = this.table.keys;
    const offsets = new Uint32Array(groups + 1);
    for (let id = 0; id < this.size; id++) offsets[keys[id * w]! + 1]!++;
    for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
    const fill = offsets.slice(0, groups);
    const order = new Uint32Array(this.size);
    for (let id = 0; id < this.size; id++) order[fill[keys[id * w]!]!++] = id;
    return { offsets, order };
  }
}
