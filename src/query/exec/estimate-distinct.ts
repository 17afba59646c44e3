import { hashWords, PARTITION_BITS } from './group-table.js';
import type { GroupsPartial } from './partial.js';

const LC_BITS = 16;

/**
 * Distinct keys in partitions [from, to) of hash-ordered partials, by linear counting over
 * partition `from` (partitions are alike): the next LC_BITS bits of each of its keys' hash mark a
 * bitmap; n ≈ −m·ln(empty / m). Saturated (more than ~10 m keys per partition): every group
 * counted, an upper bound.
 */
export function estimateDistinct(
  pending: readonly GroupsPartial[],
  w: number,
  from: number,
  to: number,
): number {
  let upper = 0;
  for (const p of pending) upper += p.parts![to]! - p.parts![from]!;
  // Few groups in all: room for every one costs less than counting.
  if (upper <= 1 << LC_BITS) return upper;
  const m = 1 << LC_BITS;
  const seen = new Uint8Array(m);
  for (const p of pending) {
    for (let g = p.parts![from]!; g < p.parts![from + 1]!; g++) {
      seen[(hashWords(p.keys, g * w, w, 0) >>> (32 - PARTITION_BITS - LC_BITS)) & (m - 1)] = 1;
    }
  }
  let empty = 0;
  for (let i = 0; i < m; i++) if (seen[i] === 0) empty++;
  if (empty === 0) return upper;
  return Math.min(upper, Math.ceil(-m * Math.log(empty / m) * (to - from) * 1.05) + 1024);
}
