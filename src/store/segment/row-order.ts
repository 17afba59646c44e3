import type { NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { addrWords, MAPPED_WORD, swap32 } from '../encoding/addr-words.js';

/**
 * Row order within a part. Rows that share a sort key sit together, so runs and small deltas
 * appear in the key column and in the columns that follow it (an address's AS number and prefix
 * length): this is where most of the density comes from. The order is one permutation applied
 * to every column of the part.
 */

/**
 * IPv6 addresses sort by their first two 32-bit words (the /64 prefix) only: all four words
 * gained 0.05 bytes per flow on the benchmark data and cost two more radix sorts per column.
 */
const IPV6_SORT_WORDS = 2;

/**
 * Address keys, least significant first: IPv6 addresses sort by their leading words, IPv4-mapped
 * ones by their value alone (their minor keys are 0), so the IPv4 order is plain numeric.
 */
function addrKey(words: Uint32Array, order: Uint32Array, keys: Uint32Array, word: number): void {
  for (let i = 0; i < order.length; i++) {
    const o = order[i]! * 4;
    const mapped = words[o] === 0 && words[o + 1] === 0 && words[o + 2] === MAPPED_WORD;
    keys[i] = mapped ? (word === 0 ? swap32(words[o + 3]!) : 0) : swap32(words[o + word]!);
  }
}

function numberKey(arr: NumberArray, order: Uint32Array, keys: Uint32Array): void {
  if (!(arr instanceof Float64Array)) {
    for (let i = 0; i < order.length; i++) keys[i] = arr[order[i]!]!;
    return;
  }
  // Times and counters: offset from the smallest value, clamped to 32 bits.
  let base = Number.POSITIVE_INFINITY;
  for (let i = 0; i < order.length; i++) base = Math.min(base, arr[order[i]!]!);
  for (let i = 0; i < order.length; i++) keys[i] = Math.min(0xffffffff, Math.max(0, arr[order[i]!]! - base));
}

/** Digit counts of the two 16-bit passes, reused across sorts (one histogram pass fills both). */
const lowCounts = new Uint32Array(65536);
const highCounts = new Uint32Array(65536);

/** Stable LSD radix sort of `rows` by a 32-bit key per row, 16 bits per pass. */
function radixSortByKey(
  rows: Uint32Array,
  keys: Uint32Array,
  tmpRows: Uint32Array,
  tmpKeys: Uint32Array,
): void {
  const n = rows.length;
  lowCounts.fill(0);
  highCounts.fill(0);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    lowCounts[k & 0xffff]!++;
    highCounts[k >>> 16]!++;
  }
  const lowSame = lowCounts[keys[0]! & 0xffff] === n;
  const highSame = highCounts[keys[0]! >>> 16] === n;
  if (lowSame && highSame) return;
  if (highSame) {
    // One pass on the low digits, then copy back (the high digits are all equal).
    scatter(rows, keys, tmpRows, tmpKeys, lowCounts, 0);
    rows.set(tmpRows);
    return;
  }
  if (lowSame) {
    scatter(rows, keys, tmpRows, tmpKeys, highCounts, 16);
    rows.set(tmpRows);
    return;
  }
  scatter(rows, keys, tmpRows, tmpKeys, lowCounts, 0);
  scatter(tmpRows, tmpKeys, rows, keys, highCounts, 16);
  // Two passes: the result is back in `rows`.
}

function scatter(
  srcRows: Uint32Array,
  srcKeys: Uint32Array,
  dstRows: Uint32Array,
  dstKeys: Uint32Array,
  counts: Uint32Array,
  shift: number,
): void {
  const n = srcRows.length;
  let sum = 0;
  for (let b = 0; b < 65536; b++) {
    const c = counts[b]!;
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = srcKeys[i]!;
    const at = counts[(k >>> shift) & 0xffff]!++;
    dstRows[at] = srcRows[i]!;
    dstKeys[at] = k;
  }
}

function hasIPv6(words: Uint32Array, order: Uint32Array): boolean {
  for (let i = 0; i < order.length; i++) {
    const o = order[i]! * 4;
    if (words[o] !== 0 || words[o + 1] !== 0 || words[o + 2] !== MAPPED_WORD) return true;
  }
  return false;
}

/** Keys and the radix sort's second buffers, reused across sorts (fresh memory costs page faults). */
let scratch = new Uint32Array(3 * 4096);

export interface SortKey {
  readonly type: ColumnType;
  /** The part's values in its input order (addresses: 16 bytes per row). */
  readonly array: NumberArray;
}

/**
 * The order to store a part's `n` rows in: a permutation of 0..n-1 sorting by `keys`, the first
 * most significant (a stable LSD radix sort, one 32-bit key at a time).
 */
export function sortOrder(keys: readonly SortKey[], n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  if (scratch.length < 3 * n) scratch = new Uint32Array(Math.max(3 * n, scratch.length * 2));
  const keyValues = scratch.subarray(0, n);
  const tmpRows = scratch.subarray(n, 2 * n);
  const tmpKeys = scratch.subarray(2 * n, 3 * n);
  for (let k = keys.length - 1; k >= 0; k--) {
    const { type, array } = keys[k]!;
    if (type !== 'addr') {
      numberKey(array, order, keyValues);
      radixSortByKey(order, keyValues, tmpRows, tmpKeys);
      continue;
    }
    const words = addrWords(array as Uint8Array);
    for (let word = hasIPv6(words, order) ? IPV6_SORT_WORDS - 1 : 0; word >= 0; word--) {
      addrKey(words, order, keyValues, word);
      radixSortByKey(order, keyValues, tmpRows, tmpKeys);
    }
  }
  return order;
}
