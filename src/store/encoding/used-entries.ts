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
  if (marks.length < size) {
    marks = new Uint8Array(Math.max(size, 2 * marks.length));
    list = new Uint32Array(marks.length);
  }
  markUsed(indexes, size);
  return list.subarray(0, listMarked(size));
}

// The loops are functions of their own: inlined into a caller, on-stack replacement compiled them
// without feedback for the code after them, which deoptimized at every call.

function markUsed(indexes: Uint32Array, size: number): void {
  marks.fill(0, 0, size);
  for (let i = 0; i < indexes.length; i++) {
    const e = indexes[i]!;
    if (e >= size) throw new DecodeError(`address index ${e} of ${size}`);
    marks[e] = 1;
  }
}

/** Branch-free: the marks are random. */
function listMarked(size: number): number {
  let n = 0;
  for (let e = 0; e < size; e++) {
    list[n] = e;
    n += marks[e]!;
  }
  return n;
}
