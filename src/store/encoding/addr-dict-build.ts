import { addrWords, MAPPED_WORD, swap32 } from './addr-words.js';

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

/** Hash slots of the distinct-address table and per-row scratch, reused across builds. */
let slots = new Int32Array(1 << 12);
let firstRow = new Uint32Array(1024);
let entryOf = new Uint32Array(1024);

function hashRow(words: Uint32Array, o: number): number {
  const w2 = words[o + 2]!;
  const w3 = words[o + 3]!;
  return Math.imul(
    w3 ^ Math.imul(w2 ^ words[o]!, 0x85ebca6b) ^ Math.imul(words[o + 1]!, 0xc2b2ae35),
    0x9e3779b1,
  );
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
  if (slots.length < 1 << bits) slots = new Int32Array(1 << bits);
  if (firstRow.length < n) {
    firstRow = new Uint32Array(Math.max(n, firstRow.length * 2));
    entryOf = new Uint32Array(firstRow.length);
  }
  slots.fill(-1, 0, mask + 1);
  let entries = 0;
  for (let row = 0; row < n; row++) {
    const o = row * 4;
    const w0 = words[o]!;
    const w1 = words[o + 1]!;
    const w2 = words[o + 2]!;
    const w3 = words[o + 3]!;
    let h = hashRow(words, o) >>> shift;
    for (;;) {
      const e = slots[h]!;
      if (e < 0) {
        slots[h] = entries;
        firstRow[entries] = row;
        entryOf[row] = entries++;
        break;
      }
      const f = firstRow[e]! * 4;
      if (words[f + 3] === w3 && words[f + 2] === w2 && words[f + 1] === w1 && words[f] === w0) {
        entryOf[row] = e;
        break;
      }
      h = (h + 1) & mask;
    }
    if (entries * 2 > mask) {
      // Half full: double and reinsert the entries.
      bits++;
      mask = (1 << bits) - 1;
      shift = 32 - bits;
      if (slots.length < 1 << bits) slots = new Int32Array(1 << bits);
      slots.fill(-1, 0, mask + 1);
      for (let e = 0; e < entries; e++) {
        let slot = hashRow(words, firstRow[e]! * 4) >>> shift;
        while (slots[slot]! >= 0) slot = (slot + 1) & mask;
        slots[slot] = e;
      }
    }
  }
  return entries;
}

/** Builds the dictionary of the `n` addresses of `col` (16 bytes per row). */
export function buildAddrDict(col: Uint8Array, n: number): AddrDict {
  const words = addrWords(col.subarray(0, n * 16));
  const entries = distinctAddresses(words, n);
  // IPv4 entries sorted by value: value * 2^21 + entry is exact below 2^53 and sorts natively.
  let mappedCount = 0;
  const mappedKeys = new Float64Array(entries);
  const others: number[] = [];
  for (let e = 0; e < entries; e++) {
    const f = firstRow[e]! * 4;
    if (words[f] === 0 && words[f + 1] === 0 && words[f + 2] === MAPPED_WORD) {
      mappedKeys[mappedCount++] = swap32(words[f + 3]!) * 2 ** 21 + e;
    } else others.push(e);
  }
  const rank = new Uint32Array(entries);
  const v4 = new Float64Array(mappedCount);
  if (entries < 2 ** 21) {
    const keys = mappedKeys.subarray(0, mappedCount).sort();
    for (let i = 0; i < mappedCount; i++) {
      const key = keys[i]!;
      const e = key % 2 ** 21;
      rank[e] = i;
      v4[i] = (key - e) / 2 ** 21;
    }
  } else {
    const isOther = new Uint8Array(entries);
    for (const e of others) isOther[e] = 1;
    const mapped: number[] = [];
    for (let e = 0; e < entries; e++) if (isOther[e] === 0) mapped.push(e);
    const value = (e: number) => swap32(words[firstRow[e]! * 4 + 3]!);
    mapped.sort((a, b) => value(a) - value(b));
    mapped.forEach((e, i) => {
      rank[e] = i;
      v4[i] = value(e);
    });
  }
  // Big-endian words of the other entries, computed once for the sort.
  const be = new Uint32Array(entries * 4);
  for (const e of others) for (let k = 0; k < 4; k++) be[e * 4 + k] = swap32(words[firstRow[e]! * 4 + k]!);
  others.sort(
    (a, b) =>
      be[a * 4]! - be[b * 4]! ||
      be[a * 4 + 1]! - be[b * 4 + 1]! ||
      be[a * 4 + 2]! - be[b * 4 + 2]! ||
      be[a * 4 + 3]! - be[b * 4 + 3]!,
  );
  const v6 = new Uint32Array(others.length * 4);
  others.forEach((e, i) => {
    rank[e] = mappedCount + i;
    v6.set(words.subarray(firstRow[e]! * 4, firstRow[e]! * 4 + 4), i * 4);
  });
  const index = new Uint32Array(n);
  for (let row = 0; row < n; row++) index[row] = rank[entryOf[row]!]!;
  return { v4, v6, size: entries, index };
}
