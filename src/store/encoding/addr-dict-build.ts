import { addrWords, MAPPED_WORD, swap32 } from './addr-words.js';
import { radixSort32 } from './radix-sort.js';

/**
 * The distinct addresses of an address column, sorted, and each row's index into them: what the
 * segment writer sorts rows by, groups repeated conversations by, and stores as an ADDR_DICT
 * block (addr-dict.ts). Order: IPv4-mapped addresses by value, then every other address by its
 * 16 bytes.
 */
export interface AddrDict {
  /** IPv4 values (as numbers), ascending. */
  readonly v4: Float64Array;
  /** The other addresses, ascending, four words each as they are in the column. */
  readonly v6: Uint32Array;
  /** Entries: v4.length + v6.length / 4. */
  readonly size: number;
  /** Dictionary index of every row of the column. */
  readonly index: Uint32Array;
}

/**
 * The distinct-address table, reused across builds: slot s holds at 2s the entry number (-1:
 * empty; MAPPED_ENTRY set for an IPv4-mapped address) and at 2s + 1 the address's word 3, so a
 * probe reads one cache line and an IPv4 row (most rows) never reads the entry's first row.
 */
let slots = new Int32Array(2 << 12);
let firstRow = new Uint32Array(1024);
let entryOf = new Uint32Array(1024);
const MAPPED_ENTRY = 0x4000_0000;

function hashRow(words: Uint32Array, o: number): number {
  const w2 = words[o + 2]!;
  const w3 = words[o + 3]!;
  return Math.imul(
    w3 ^ Math.imul(w2 ^ words[o]!, 0x85ebca6b) ^ Math.imul(words[o + 1]!, 0xc2b2ae35),
    0x9e3779b1,
  );
}

/** Puts entry `e` (first seen at `row`) into an empty slot of a table of `mask + 1` slots. */
function insert(words: Uint32Array, row: number, e: number, shift: number, mask: number): void {
  const o = row * 4;
  const mapped = words[o] === 0 && words[o + 1] === 0 && words[o + 2] === MAPPED_WORD;
  let h = hashRow(words, o) >>> shift;
  while (slots[2 * h]! >= 0) h = (h + 1) & mask;
  slots[2 * h] = mapped ? e | MAPPED_ENTRY : e;
  slots[2 * h + 1] = words[o + 3]!;
}

/**
 * Numbers every distinct address in first-seen order (entryOf per row, firstRow per entry);
 * returns how many. The hash table starts small (most columns have far fewer distinct addresses
 * than rows: clearing and probing a table sized for every row cost more than the inserts) and
 * doubles when half full.
 */
function distinctAddresses(words: Uint32Array, n: number): number {
  let bits = 10;
  while (1 << bits < n / 2) bits++;
  let mask = (1 << bits) - 1;
  let shift = 32 - bits;
  if (slots.length < 2 << bits) slots = new Int32Array(2 << bits);
  if (firstRow.length < n) {
    firstRow = new Uint32Array(Math.max(n, firstRow.length * 2));
    entryOf = new Uint32Array(firstRow.length);
  }
  slots.fill(-1, 0, 2 * (mask + 1));
  let entries = 0;
  for (let row = 0; row < n; row++) {
    const o = row * 4;
    const w0 = words[o]!;
    const w1 = words[o + 1]!;
    const w2 = words[o + 2]!;
    const w3 = words[o + 3]! | 0;
    const mapped = w0 === 0 && w1 === 0 && w2 === MAPPED_WORD;
    let h = hashRow(words, o) >>> shift;
    for (;;) {
      const e = slots[2 * h]!;
      if (e < 0) {
        slots[2 * h] = mapped ? entries | MAPPED_ENTRY : entries;
        slots[2 * h + 1] = w3;
        firstRow[entries] = row;
        entryOf[row] = entries++;
        break;
      }
      if (slots[2 * h + 1] === w3) {
        if (mapped) {
          if ((e & MAPPED_ENTRY) !== 0) {
            entryOf[row] = e & ~MAPPED_ENTRY;
            break;
          }
        } else if ((e & MAPPED_ENTRY) === 0) {
          const f = firstRow[e]! * 4;
          if (words[f + 2] === w2 && words[f + 1] === w1 && words[f] === w0) {
            entryOf[row] = e;
            break;
          }
        }
      }
      h = (h + 1) & mask;
    }
    if (entries * 2 > mask) {
      // Half full: double and reinsert the entries.
      bits++;
      mask = (1 << bits) - 1;
      shift = 32 - bits;
      if (slots.length < 2 << bits) slots = new Int32Array(2 << bits);
      slots.fill(-1, 0, 2 * (mask + 1));
      for (let e = 0; e < entries; e++) insert(words, firstRow[e]!, e, shift, mask);
    }
  }
  return entries;
}

/** Entry numbers and sort keys of the dictionary's entries, reused across builds. */
let perm = new Uint32Array(1024);
let keys = new Uint32Array(1024);
let rank = new Uint32Array(1024);

/** Builds the dictionary of the `n` addresses of `col` (16 bytes per row). */
export function buildAddrDict(col: Uint8Array, n: number): AddrDict {
  const words = addrWords(col.subarray(0, n * 16));
  const entries = distinctAddresses(words, n);
  if (perm.length < entries) {
    perm = new Uint32Array(Math.max(entries, perm.length * 2));
    keys = new Uint32Array(perm.length);
    rank = new Uint32Array(perm.length);
  }
  // IPv4-mapped entries first (perm[0..mapped)), keyed by value; the others after them.
  let mapped = 0;
  let other = entries;
  for (let e = 0; e < entries; e++) {
    const f = firstRow[e]! * 4;
    if (words[f] === 0 && words[f + 1] === 0 && words[f + 2] === MAPPED_WORD) {
      perm[mapped] = e;
      keys[mapped++] = swap32(words[f + 3]!);
    } else perm[--other] = e;
  }
  radixSort32(perm, keys, mapped);
  const v4 = new Float64Array(mapped);
  for (let i = 0; i < mapped; i++) {
    rank[perm[i]!] = i;
    v4[i] = keys[i]!;
  }
  // The others by their 16 bytes, big-endian: stable sorts by word 3, 2, 1, then 0.
  const others = entries - mapped;
  const otherPerm = perm.subarray(mapped, entries);
  const otherKeys = keys.subarray(mapped, entries);
  for (let word = 3; word >= 0; word--) {
    for (let i = 0; i < others; i++) otherKeys[i] = swap32(words[firstRow[otherPerm[i]!]! * 4 + word]!);
    radixSort32(otherPerm, otherKeys, others);
  }
  const v6 = new Uint32Array(others * 4);
  for (let i = 0; i < others; i++) {
    const e = otherPerm[i]!;
    rank[e] = mapped + i;
    const f = firstRow[e]! * 4;
    v6[i * 4] = words[f]!;
    v6[i * 4 + 1] = words[f + 1]!;
    v6[i * 4 + 2] = words[f + 2]!;
    v6[i * 4 + 3] = words[f + 3]!;
  }
  const index = new Uint32Array(n);
  for (let row = 0; row < n; row++) index[row] = rank[entryOf[row]!]!;
  return { v4, v6, size: entries, index };
}
