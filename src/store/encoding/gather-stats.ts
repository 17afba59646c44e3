import type { NumberArray } from '../../flow/batch.js';
import type { BlockStats } from './int-encode.js';

/**
 * The stats of the last gather (min, max, largest step, integral), computed while copying the
 * rows into the encoder's scratch, so that the integer encoder skips its own pass over them.
 */
export const gathered: BlockStats = { min: 0, max: 0, maxAbsDelta: 0, integral: true };

function gatherF64(array: Float64Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let step = 0;
  let integral = true;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
    const d = Math.abs(v - prev);
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, integral);
}
function gatherU32(array: Uint32Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}
function gatherU16(array: Uint16Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = 0xffff;
  let max = 0;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}
function gatherU8(array: Uint8Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = 0xff;
  let max = 0;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}

function setGathered(min: number, max: number, maxAbsDelta: number, integral: boolean): void {
  gathered.min = min;
  gathered.max = max;
  gathered.maxAbsDelta = maxAbsDelta;
  gathered.integral = integral;
}

/** Copies the rows' values in row order; one loop per array type keeps each loop monomorphic. */
export function gather(array: NumberArray, rows: Uint32Array, out: Float64Array): void {
  if (array instanceof Float64Array) gatherF64(array, rows, out);
  else if (array instanceof Uint32Array) gatherU32(array, rows, out);
  else if (array instanceof Uint16Array) gatherU16(array, rows, out);
  else gatherU8(array, rows, out);
}

function constantF64(a: Float64Array, n: number): boolean {
  const v = a[0]!;
  if (Number.isNaN(v)) return false; // left to the encoder (a RAW block)
  for (let i = 1; i < n; i++) if (a[i] !== v) return false;
  return true;
}
function constantU32(a: Uint32Array, n: number): boolean {
  const v = a[0]!;
  for (let i = 1; i < n; i++) if (a[i] !== v) return false;
  return true;
}
function constantU16(a: Uint16Array, n: number): boolean {
  const v = a[0]!;
  for (let i = 1; i < n; i++) if (a[i] !== v) return false;
  return true;
}
function constantU8(a: Uint8Array, n: number): boolean {
  const v = a[0]!;
  for (let i = 1; i < n; i++) if (a[i] !== v) return false;
  return true;
}

/**
 * Whether `array[0..n)` holds one value (n ≥ 1; NaN never counts as constant). Sequential, one
 * loop per array type; a column that is not constant stops at its first differing row.
 */
export function isConstant(array: NumberArray, n: number): boolean {
  if (n < 1) return false;
  if (array instanceof Float64Array) return constantF64(array, n);
  if (array instanceof Uint32Array) return constantU32(array, n);
  if (array instanceof Uint16Array) return constantU16(array, n);
  return constantU8(array, n);
}
