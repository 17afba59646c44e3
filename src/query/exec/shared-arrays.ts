/**
 * Typed arrays in shared memory, for partials that travel from a worker to the coordinator and on
 * to the workers that merge them: posting a SharedArrayBuffer shares it (no copy, and the sender
 * keeps it — the coordinator's memo may hold the partial while a worker reads it).
 */
export function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

export function sharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

export function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}
