import type { NumberArray } from '../../flow/batch.js';

/**
 * Repeated rows (format version 4, see src/store/segment/row-groups.ts): a grouped column holds
 * its leader rows 0..leaders-1; row leaders + j repeats row leaderOf[j]. One loop per array type
 * (monomorphic); addresses copy four words per row.
 */

function expandF64(out: Float64Array, leaders: number, leaderOf: Uint32Array): void {
  for (let j = 0; j < leaderOf.length; j++) out[leaders + j] = out[leaderOf[j]!]!;
}
function expandU32(out: Uint32Array, leaders: number, leaderOf: Uint32Array): void {
  for (let j = 0; j < leaderOf.length; j++) out[leaders + j] = out[leaderOf[j]!]!;
}
function expandU16(out: Uint16Array, leaders: number, leaderOf: Uint32Array): void {
  for (let j = 0; j < leaderOf.length; j++) out[leaders + j] = out[leaderOf[j]!]!;
}
function expandU8(out: Uint8Array, leaders: number, leaderOf: Uint32Array): void {
  for (let j = 0; j < leaderOf.length; j++) out[leaders + j] = out[leaderOf[j]!]!;
}
function expandRows(out: Uint32Array, leaders: number, leaderOf: Uint32Array): void {
  // Offsets from j: a second induction variable (o += 4) made V8's loop 2x slower.
  for (let j = 0; j < leaderOf.length; j++) {
    const o = (leaders + j) * 4;
    const s = leaderOf[j]! * 4;
    out[o] = out[s]!;
    out[o + 1] = out[s + 1]!;
    out[o + 2] = out[s + 2]!;
    out[o + 3] = out[s + 3]!;
  }
}

/**
 * Fills rows leaders.. of `out` from their leaders. `addr`: 16 bytes per row. Every leaderOf[j]
 * must be below `leaders` (checked when the repeat map is decoded).
 */
export function expandRepeats(out: NumberArray, leaders: number, leaderOf: Uint32Array, addr: boolean): void {
  if (leaderOf.length === 0) return;
  if (addr) {
    const bytes = out as Uint8Array;
    if (bytes.byteOffset % 4 === 0) {
      expandRows(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2), leaders, leaderOf);
      return;
    }
    for (let j = 0; j < leaderOf.length; j++) {
      bytes.copyWithin((leaders + j) * 16, leaderOf[j]! * 16, leaderOf[j]! * 16 + 16);
    }
    return;
  }
  if (out instanceof Float64Array) expandF64(out, leaders, leaderOf);
  else if (out instanceof Uint32Array) expandU32(out, leaders, leaderOf);
  else if (out instanceof Uint16Array) expandU16(out, leaders, leaderOf);
  else expandU8(out, leaders, leaderOf);
}
