import type { GroupTable } from './group-table.js';
import type { MergedAgg } from './merge-aggs.js';
import type { GroupsPartial } from './partial.js';

const TWO_32 = 4294967296;
const LIMIT_2_52 = 4503599627370496;
/** group-table.ts PARTITION_BITS. */
const PARTITION_BITS = 8;

/**
 * The merge of an address-keyed partition range with one sum or count: `findOrInsertRange4` and
 * `mergeAgg` in one loop, each entry added as soon as its group is found. Measured over the 100 M
 * set's top-10 `src_addr` partials (39 M entries into 4.2 M groups), the two passes through an id
 * array cost about twice as much per entry as this one: the second pass's random reads of the
 * merged sums wait on the ids the first wrote, where here they overlap the next entry's probe.
 * Returns false (nothing merged) when the partial or the aggregates are of another form: four-word
 * keys with their hashes, one aggregate that is a count or a sum without high words or counts.
 */
export function mergeRangeFused(
  table: GroupTable,
  mixed: boolean,
  agg: MergedAgg,
  p: GroupsPartial,
  from: number,
  to: number,
): boolean {
  const hashes = p.hashes;
  const part = p.aggs[0]!;
  if (table.width !== 4 || hashes === undefined || p.aggs.length !== 1) return false;
  let values: Float64Array;
  let exact = false;
  if (part.kind === 'count') values = part.values;
  else if (part.kind === 'sum' && part.hi === null && part.n === null && agg.layout.kind === 'sum') {
    values = part.lo;
    exact = !agg.layout.float;
  } else return false;
  const words = p.keys;
  const skip = mixed ? PARTITION_BITS : 0;
  let slots = table.slots;
  let keys = table.keys;
  let mask = table.mask;
  let shift = table.shift;
  let lo = agg.lo;
  for (let g = from; g < to; g++) {
    const o = g << 2;
    const k0 = words[o]!;
    const k1 = words[o + 1]!;
    const k2 = words[o + 2]!;
    const k3 = words[o + 3]!;
    const home = (hashes[g]! << skip) >>> shift;
    let slot = home;
    let id: number;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) {
        if (table.roomForOne()) {
          id = table.size++;
          const b = id << 2;
          keys[b] = k0;
          keys[b + 1] = k1;
          keys[b + 2] = k2;
          keys[b + 3] = k3;
          slots[slot] = id + 1;
          break;
        }
        const scratch = table.scratch;
        scratch[0] = k0;
        scratch[1] = k1;
        scratch[2] = k2;
        scratch[3] = k3;
        id = table.insert(slot, home);
        // An insert may grow the table and, through onGrow, the merged arrays.
        slots = table.slots;
        keys = table.keys;
        mask = table.mask;
        shift = table.shift;
        lo = agg.lo;
        break;
      }
      const b = (entry - 1) << 2;
      if (keys[b] === k0 && keys[b + 1] === k1 && keys[b + 2] === k2 && keys[b + 3] === k3) {
        id = entry - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
    const l = lo[id]! + values[g]!;
    if (exact && (l >= LIMIT_2_52 || l <= -LIMIT_2_52)) {
      const carry = Math.floor(l / TWO_32);
      lo[id] = l - carry * TWO_32;
      agg.hi[id] += carry;
    } else lo[id] = l;
  }
  return true;
}
