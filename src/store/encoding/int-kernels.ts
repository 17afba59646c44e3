import type { NumberArray } from '../../flow/batch.js';
import { DecodeError } from './byte-io.js';

/**
 * The decode loops, one copy per output array type. V8 optimises a loop for the typed-array kinds
 * it has seen at that spot; one loop shared by four output kinds ran several times slower, so each
 * kind gets its own function and `out` is picked once per block.
 */

function addF64(out: Float64Array, base: number): void {
  for (let i = 0; i < out.length; i++) out[i]! += base;
}
function addU32(out: Uint32Array, base: number): void {
  for (let i = 0; i < out.length; i++) out[i]! += base;
}
function addU16(out: Uint16Array, base: number): void {
  for (let i = 0; i < out.length; i++) out[i]! += base;
}
function addU8(out: Uint8Array, base: number): void {
  for (let i = 0; i < out.length; i++) out[i]! += base;
}

/** Adds `base` to every value of `out` in place. */
export function addBase(out: NumberArray, base: number): void {
  if (base === 0) return;
  if (out instanceof Float64Array) addF64(out, base);
  else if (out instanceof Uint32Array) addU32(out, base);
  else if (out instanceof Uint16Array) addU16(out, base);
  else addU8(out, base);
}

function undeltaF64(out: Float64Array, first: number): void {
  let acc = first;
  for (let i = 0; i < out.length; i++) {
    const zz = out[i]!;
    acc += (zz >>> 1) ^ -(zz & 1);
    out[i] = acc;
  }
}
function undeltaU32(out: Uint32Array, first: number): void {
  let acc = first;
  for (let i = 0; i < out.length; i++) {
    const zz = out[i]!;
    acc += (zz >>> 1) ^ -(zz & 1);
    out[i] = acc;
  }
}
function undeltaU16(out: Uint16Array, first: number): void {
  let acc = first;
  for (let i = 0; i < out.length; i++) {
    const zz = out[i]!;
    acc = (acc + ((zz >>> 1) ^ -(zz & 1))) | 0;
    out[i] = acc;
  }
}
function undeltaU8(out: Uint8Array, first: number): void {
  let acc = first;
  for (let i = 0; i < out.length; i++) {
    const zz = out[i]!;
    acc = (acc + ((zz >>> 1) ^ -(zz & 1))) | 0;
    out[i] = acc;
  }
}

/** Turns zigzag deltas in `out` into values in place, starting from `first`. */
export function undelta(out: NumberArray, first: number): void {
  if (out instanceof Float64Array) undeltaF64(out, first);
  else if (out instanceof Uint32Array) undeltaU32(out, first);
  else if (out instanceof Uint16Array) undeltaU16(out, first);
  else undeltaU8(out, first);
}

function lookupF64(out: Float64Array, dict: Float64Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = out[i]!;
    if (k >= d) bad = k;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookupU32(out: Uint32Array, dict: Uint32Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = out[i]!;
    if (k >= d) bad = k;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookupU16(out: Uint16Array, dict: Uint16Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    const k = out[i]!;
    if (k >= d) bad = k;
    out[i] = dict[k]!;
  }
  return bad;
}

/** Replaces every index in `out` by its dictionary value in place (u8 outputs never use a dictionary). */
export function lookup(out: NumberArray, dict: Float64Array): void {
  let bad: number;
  if (out instanceof Float64Array) bad = lookupF64(out, dict);
  else if (out instanceof Uint32Array) bad = lookupU32(out, Uint32Array.from(dict));
  else if (out instanceof Uint16Array) bad = lookupU16(out, Uint16Array.from(dict));
  else throw new DecodeError('dictionary for a u8 column');
  if (bad !== 0) throw new DecodeError(`dictionary index ${bad} of ${dict.length}`);
}

type IndexView = Uint8Array | Uint16Array | Uint32Array;

// Dictionary lookups from the index payload straight into the output: one pass, where copying
// the indexes into the output and replacing them in place took two. One function per (output,
// index) type pair keeps every loop monomorphic. Each returns 1 + the last bad index (0: none).
function lookF64U8(idx: Uint8Array, out: Float64Array, dict: Float64Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookF64U16(idx: Uint16Array, out: Float64Array, dict: Float64Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookU32U8(idx: Uint8Array, out: Uint32Array, dict: Uint32Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookU32U16(idx: Uint16Array, out: Uint32Array, dict: Uint32Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}
function lookU16U8(idx: Uint8Array, out: Uint16Array, dict: Uint16Array): number {
  const d = dict.length;
  let bad = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k >= d) bad = k + 1;
    out[i] = dict[k]!;
  }
  return bad;
}

/** `out[i] = dict[idx[i]]` for every row; throws DecodeError on an index outside the dictionary. */
export function lookupInto(idx: IndexView, out: NumberArray, dict: Float64Array): void {
  let bad = -1;
  if (out instanceof Float64Array) {
    if (idx instanceof Uint8Array) bad = lookF64U8(idx, out, dict);
    else if (idx instanceof Uint16Array) bad = lookF64U16(idx, out, dict);
  } else if (out instanceof Uint32Array) {
    if (idx instanceof Uint8Array) bad = lookU32U8(idx, out, Uint32Array.from(dict));
    else if (idx instanceof Uint16Array) bad = lookU32U16(idx, out, Uint32Array.from(dict));
  } else if (out instanceof Uint16Array && idx instanceof Uint8Array) {
    bad = lookU16U8(idx, out, Uint16Array.from(dict));
  }
  if (bad === -1) {
    // Rare pairs (4-byte indexes, u16 outputs with 2-byte indexes): copy, then replace in place.
    out.set(idx);
    lookup(out, dict);
    return;
  }
  if (bad > 0) throw new DecodeError(`dictionary index ${bad - 1} of ${dict.length}`);
}
