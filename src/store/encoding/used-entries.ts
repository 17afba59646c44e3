import { DecodeError } from './byte-io.js';

/** Reused per thread: a mark per dictionary entry, and the list of the marked ones. */
let marks = new Uint8Array(1024);
let list = new Uint32Array(1024);

/**
 * The distinct values of `indexes` in ascending order — the entries of a dictionary of `size`
 * that rows use (a shared dictionary may hold others) — as a view valid until the next call.
 * Throws DecodeError on an index past the dictionary.
 */
export function usedEntries(indexes: Uint32Array, size: number): Uint32Array {
  const m = clearedMarks(size);
  const max = markIndexes(indexes, m);
  checkAddressIndexes(max, indexes.length, size);
  return list.subarray(0, listMarked(size, m, list));
}

/** Throws DecodeError when `rows` > 0 address indexes, the largest `max`, go past a dictionary of `size`. */
export function checkAddressIndexes(max: number, rows: number, size: number): void {
  if (rows > 0 && max >= size) throw new DecodeError(`address index ${max} of ${size}`);
}

/** `size` marks, all 0, reused (a view valid until the next call of this or `usedEntries`). */
export function clearedMarks(size: number): Uint8Array {
  if (marks.length < size) {
    marks = new Uint8Array(Math.max(size, 2 * marks.length));
    list = new Uint32Array(marks.length);
  }
  marks.fill(0, 0, size);
  return marks.subarray(0, size);
}

// The loops are functions of their own with nothing but a return after the loop: on-stack
// replacement compiles a loop without feedback for the code after it, which then deoptimized at
// every call (a check after the marking loop did, 693 times in 7 passes over 96 parts).

/**
 * Marks entry indexes[i] of `m` (a parameter: the module variable reloaded in the loop cost
 * ~20 %); returns the largest index, for the caller to check (once, not per index). An index
 * past `m` marks nothing, and the caller throws.
 */
export function markIndexes(indexes: Uint32Array, m: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < indexes.length; i++) {
    const e = indexes[i]!;
    m[e] = 1;
    if (e > max) max = e;
  }
  return max;
}

/** Branch-free: the marks are random. */
function listMarked(size: number, m: Uint8Array, out: Uint32Array): number {
  let n = 0;
  for (let e = 0; e < size; e++) {
    out[n] = e;
    n += m[e]!;
  }
  return n;
}
