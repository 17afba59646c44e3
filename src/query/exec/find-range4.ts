import type { GroupTable } from './group-table.js';

const GOLDEN = -1640531535; // 0x9e3779b1
const FMIX1 = -2048144789; // 0x85ebca6b
const FMIX2 = -1028477387; // 0xc2b2ae35
// group-table.ts `wordMultiplier(j)` for j = 1..3 (that module imports this one).
const M1 = Math.imul(8, FMIX2) | 1;
const M2 = Math.imul(9, FMIX2) | 1;
const M3 = Math.imul(10, FMIX2) | 1;
/** group-table.ts PARTITION_BITS. */
const PARTITION_BITS = 8;

/**
 * GroupTable.findOrInsertRange for keys of four words (an address column), with the hash
 * (hashWords, or the partial's `hashes` when given) and the probe inlined: the merge loop of many
 * address groups. `mixed` tables take the slot from the hash's bits below the partition bits
 * (GroupTable's `mixed`).
 */
export function findOrInsertRange4(
  table: GroupTable,
  words: Int32Array,
  from: number,
  to: number,
  ids: Int32Array,
  mixed: boolean,
  hashes: Int32Array | undefined,
): void {
  const skip = mixed ? PARTITION_BITS : 0;
  let slots = table.slots;
  let keys = table.keys;
  let mask = table.mask;
  let shift = table.shift;
  for (let g = from; g < to; g++) {
    const o = g << 2;
    const k0 = words[o]!;
    const k1 = words[o + 1]!;
    const k2 = words[o + 2]!;
    const k3 = words[o + 3]!;
    let hash: number;
    if (hashes !== undefined) hash = hashes[g]!;
    else {
      let h = k0 ^ Math.imul(k1, M1) ^ Math.imul(k2, M2) ^ Math.imul(k3, M3);
      h = Math.imul(h ^ (h >>> 16), FMIX1);
      h = Math.imul(h ^ (h >>> 13), FMIX2);
      h ^= h >>> 16;
      hash = Math.imul(h, GOLDEN);
    }
    const home = (hash << skip) >>> shift;
    let slot = home;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) {
        const scratch = table.scratch;
        scratch[0] = k0;
        scratch[1] = k1;
        scratch[2] = k2;
        scratch[3] = k3;
        ids[g] = table.insert(slot, home);
        slots = table.slots;
        keys = table.keys;
        mask = table.mask;
        shift = table.shift;
        break;
      }
      const b = (entry - 1) << 2;
      if (keys[b] === k0 && keys[b + 1] === k1 && keys[b + 2] === k2 && keys[b + 3] === k3) {
        ids[g] = entry - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}
