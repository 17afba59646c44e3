import { hashAddressWords, LANE_A, MAPPED_LANE, MAPPED_WORD, newHash64 } from './hash64.js';

const M1 = 0xcc9e2d51 | 0;
const M2 = 0x1b873593;
const N = 0xe6546b64 | 0;
const F1 = 0x85ebca6b | 0;
const F2 = 0xc2b2ae35 | 0;

const low = newHash64();

/**
 * Rows [from, to) of an address column, given as little-endian int32 words (4 per row), into
 * dense registers at precision `p`: what HyperLogLog.addHash does with hashAddressWords, without
 * a call per row. A row equal to the one before it is skipped (it cannot change a register), and
 * an IPv4-mapped address hashes only its last word (hashAddressHigh, which this loop inlines).
 */
export function addAddressWordsDense(
  registers: Uint8Array,
  p: number,
  words: Int32Array,
  from: number,
  to: number,
): void {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let any = false;
  for (let row = from; row < to; row++) {
    const o = row << 2;
    const w0 = words[o]!;
    const w1 = words[o + 1]!;
    const w2 = words[o + 2]!;
    const w3 = words[o + 3]!;
    if (any && w3 === l3 && w0 === l0 && w1 === l1 && w2 === l2) continue;
    any = true;
    l0 = w0;
    l1 = w1;
    l2 = w2;
    l3 = w3;
    // hashAddressHigh, written out (V8 does not inline its nested calls here).
    let h: number;
    let k: number;
    if ((w0 | w1) === 0 && w2 === MAPPED_WORD) h = MAPPED_LANE;
    else {
      h = LANE_A;
      k = Math.imul(w0, M1);
      k = Math.imul((k << 15) | (k >>> 17), M2);
      h ^= k;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + N) | 0;
      k = Math.imul(w1, M1);
      k = Math.imul((k << 15) | (k >>> 17), M2);
      h ^= k;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + N) | 0;
      k = Math.imul(w2, M1);
      k = Math.imul((k << 15) | (k >>> 17), M2);
      h ^= k;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + N) | 0;
    }
    k = Math.imul(w3, M1);
    k = Math.imul((k << 15) | (k >>> 17), M2);
    h ^= k;
    h = ((Math.imul((h << 13) | (h >>> 19), 5) + N) | 0) ^ 16;
    h = Math.imul(h ^ (h >>> 16), F1);
    h = Math.imul(h ^ (h >>> 13), F2);
    h ^= h >>> 16;
    const x = h >>> (32 - p);
    const rest = h << p;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else {
      hashAddressWords(w0, w1, w2, w3, low);
      rank = 33 - p + Math.clz32(low[1]!);
    }
    if (rank > registers[x]!) registers[x] = rank;
  }
}
