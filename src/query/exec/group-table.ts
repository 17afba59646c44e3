import { findOrInsertRange4 } from './find-range4.js';

/**
 * An open-addressing hash table from fixed-width keys (`width` int32 words) to dense group ids
 * 0, 1, 2, … in insertion order. Keys live in one Int32Array (group id × width), slots hold
 * id + 1 (0 = empty), linear probing, load ≤ 1/2. The kernels inline the probe loop (see
 * `hashSource`); inserts, growth and the coordinator's merges go through this class.
 */
export class GroupTable {
  readonly width: number;
  slots: Int32Array;
  mask: number;
  shift: number;
  keys: Int32Array;
  size = 0;
  capacity: number;
  /** The key of the next insert (kernels write it here before calling `insert`). */
  readonly scratch: Int32Array;
  /** Called with the new capacity when group-indexed state must grow. */
  onGrow: ((capacity: number) => void) | undefined;
  /**
   * With `onFull`, a table whose capacity has reached `maxGroups` does not grow: when it is full,
   * `onFull` moves its groups out (and calls `clear`), and the insert goes on into the empty table.
   */
  maxGroups = Number.POSITIVE_INFINITY;
  onFull: (() => void) | undefined;

  /**
   * `mixed`: slots from the whole mixed hash instead of its top bits, for a table holding the keys
   * of one hash partition (whose top bits are all the same): see reduce.ts.
   */
  constructor(
    width: number,
    initialGroups = 256,
    private readonly mixed = false,
  ) {
    this.width = width;
    this.capacity = Math.max(16, initialGroups);
    const slotCount = nextPow2(this.capacity * 2);
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    this.shift = 32 - Math.log2(slotCount);
    this.keys = new Int32Array(this.capacity * Math.max(1, width));
    this.scratch = new Int32Array(Math.max(1, width));
  }

  /** True when `insert` would neither call onFull, grow the groups nor rehash: a caller may store the key itself. */
  roomForOne(): boolean {
    return this.size < this.capacity && (this.size + 1) * 2 <= this.slots.length;
  }

  /**
   * Inserts the key in `scratch` at the empty slot `slot` (from a probe); returns its id. `home`
   * is the key's own slot (where its probe started): the slot used when the table was full and
   * had to be emptied first (`onFull`).
   */
  insert(slot: number, home = slot): number {
    if (this.size >= this.capacity && this.capacity >= this.maxGroups && this.onFull !== undefined) {
      this.onFull();
      slot = home;
    }
    const id = this.size++;
    if (id >= this.capacity) this.growGroups();
    const w = this.width;
    const keys = this.keys;
    const scratch = this.scratch;
    for (let j = 0; j < w; j++) keys[id * w + j] = scratch[j]!;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  /**
   * The id of the key at words[at .. at + width), inserting it when new; `hash`, when known, is
   * its `hashWords(words, at, width, 0) | 0`.
   */
  findOrInsert(words: ArrayLike<number>, at: number, hash?: number): number {
    const w = this.width;
    const keys = this.keys;
    let slot = hash === undefined ? this.slotOf(words, at) : this.slotOfHash(hash);
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        for (let j = 0; j < w; j++) this.scratch[j] = words[at + j]!;
        return this.insert(slot);
      }
      const id = entry - 1;
      let same = true;
      for (let j = 0; j < w; j++) {
        if (keys[id * w + j] !== (words[at + j]! | 0)) {
          same = false;
          break;
        }
      }
      if (same) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * ids[g] = the id of key g of `words` (width words each) for g in [from, to), inserting new
   * keys: the merge loop of many partial groups, with one-word keys probed inline.
   */
  findOrInsertRange(words: Int32Array, from: number, to: number, ids: Int32Array, hashes?: Int32Array): void {
    if (this.width === 4) {
      findOrInsertRange4(this, words, from, to, ids, this.mixed, hashes);
      return;
    }
    if (this.width !== 1 || this.mixed) {
      const w = this.width;
      for (let g = from; g < to; g++) ids[g] = this.findOrInsert(words, g * w, hashes?.[g]);
      return;
    }
    let slots = this.slots;
    let keys = this.keys;
    let mask = this.mask;
    let shift = this.shift;
    for (let g = from; g < to; g++) {
      const k = words[g]!;
      let slot = Math.imul(k, GOLDEN) >>> shift;
      for (;;) {
        const entry = slots[slot]!;
        if (entry === 0) {
          this.scratch[0] = k;
          ids[g] = this.insert(slot);
          slots = this.slots;
          keys = this.keys;
          mask = this.mask;
          shift = this.shift;
          break;
        }
        if (keys[entry - 1] === k) {
          ids[g] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }

  private slotOfHash(hash: number): number {
    if (!this.mixed) return hash >>> this.shift;
    if (this.width === 1) return fmix(hash, this.shift);
    return (hash << PARTITION_BITS) >>> this.shift;
  }

  private slotOf(words: ArrayLike<number>, at: number): number {
    if (!this.mixed) return hashWords(words, at, this.width, this.shift);
    // One-word keys are not mixed before the multiply (its low bits would be weak here).
    if (this.width === 1) return fmix(hashWords(words, at, 1, 0), this.shift);
    return (hashWords(words, at, this.width, 0) << PARTITION_BITS) >>> this.shift;
  }

  /** Makes room for `groups` keys in all (slots and key storage) without growing again. */
  reserve(groups: number): void {
    if (groups > this.capacity) {
      while (this.capacity < groups) this.capacity *= 2;
      const keys = new Int32Array(this.capacity * Math.max(1, this.width));
      keys.set(this.keys);
      this.keys = keys;
      this.onGrow?.(this.capacity);
    }
    if (groups * 2 > this.slots.length) this.rehash(nextPow2(groups * 2));
  }

  /** Empties the table (no group left; key storage and capacity stay). */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  private growGroups(): void {
    this.capacity *= 2;
    const keys = new Int32Array(this.capacity * Math.max(1, this.width));
    keys.set(this.keys);
    this.keys = keys;
    this.onGrow?.(this.capacity);
  }

  private rehash(count = this.slots.length * 2): void {
    this.slots = new Int32Array(count);
    this.mask = count - 1;
    this.shift = 32 - Math.log2(count);
    const w = this.width;
    for (let id = 0; id < this.size; id++) {
      let slot = this.slotOf(this.keys, id * w);
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }
}

/**
 * Hash partitions of merged partials: the top PARTITION_BITS bits of a key's hash (the bits that
 * also pick its slot), so groups of one partition sit in one slot range of every table.
 */
export const PARTITION_BITS = 8;
export const PARTITIONS = 1 << PARTITION_BITS;
/** Partials with fewer groups are merged as they come (partitioning would not pay). */
export const PARTITION_MIN_GROUPS = 4096;

/** The partition of slot `slot` of a table of 2^bits slots. */
export function partitionOfSlot(slot: number, bits: number): number {
  return bits >= PARTITION_BITS ? slot >>> (bits - PARTITION_BITS) : slot << (PARTITION_BITS - bits);
}

function nextPow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

export const GOLDEN = -1640531535; // 0x9e3779b1
const FMIX1 = -2048144789; // 0x85ebca6b
const FMIX2 = -1028477387; // 0xc2b2ae35

/** The odd multiplier of key word j ≥ 1 of a wide key. */
function wordMultiplier(j: number): number {
  return Math.imul(j + 7, FMIX2) | 1;
}

/** The slot of a key: Fibonacci hashing of one word; wider keys are mixed first (murmur3 fmix). */
export function hashWords(words: ArrayLike<number>, at: number, width: number, shift: number): number {
  if (width === 0) return 0;
  if (width === 1) return Math.imul(words[at]! | 0, GOLDEN) >>> shift;
  let h = words[at]! | 0;
  for (let j = 1; j < width; j++) h ^= Math.imul(words[at + j]! | 0, wordMultiplier(j));
  h = Math.imul(h ^ (h >>> 16), FMIX1);
  h = Math.imul(h ^ (h >>> 13), FMIX2);
  h ^= h >>> 16;
  return Math.imul(h, GOLDEN) >>> shift;
}

const W1 = wordMultiplier(1);
const W2 = wordMultiplier(2);
const W3 = wordMultiplier(3);

/** `hashWords(words, at, 4, 0) | 0`, written out for loops over 4-word keys. */
export function hashWords4(words: Int32Array, at: number): number {
  let h =
    words[at]! ^
    Math.imul(words[at + 1]!, W1) ^
    Math.imul(words[at + 2]!, W2) ^
    Math.imul(words[at + 3]!, W3);
  h = Math.imul(h ^ (h >>> 16), FMIX1);
  h = Math.imul(h ^ (h >>> 13), FMIX2);
  h ^= h >>> 16;
  return Math.imul(h, GOLDEN);
}

/** `hashWords` as JS source over the variables `names`, for the generated kernels. */
export function hashSource(names: readonly string[], shift: string): string {
  if (names.length === 0) return '0';
  if (names.length === 1) return `(Math.imul(${names[0]}, ${GOLDEN}) >>> ${shift})`;
  const terms = names.slice(1).map((n, j) => `Math.imul(${n}, ${wordMultiplier(j + 1)})`);
  return `rt.fmix(${[names[0], ...terms].join(' ^ ')}, ${shift})`;
}

/** The mixing step of `hashWords` for wide keys (small enough for V8 to inline). */
export function fmix(h: number, shift: number): number {
  h = Math.imul(h ^ (h >>> 16), FMIX1);
  h = Math.imul(h ^ (h >>> 13), FMIX2);
  h ^= h >>> 16;
  return Math.imul(h, GOLDEN) >>> shift;
}
