import { type HyperLogLog, serializeHll } from '../hll/index.js';
import type { AggLayout } from './agg-layout.js';
import { type GroupTable, PARTITION_BITS, PARTITIONS, partitionOfSlot } from './group-table.js';
import type { KeyLayout } from './key-layout.js';
import type { MergedAgg } from './merge-aggs.js';
import type { AggPartial, GroupsPartial } from './partial.js';
import { sharedF64, sharedI32, sharedU32 } from './shared-arrays.js';

/**
 * A merged group table written back out as one GroupsPartial (the runtime combining the memoized
 * partials of a repeated query into one memo entry: see kernel-entry.ts `combinePartials`), in
 * hash order with partition bounds when it has keys. Only for keys without text and aggregates
 * held in the merged arrays or as sketches (`combinable`).
 */
export function combinable(keys: KeyLayout, layouts: readonly AggLayout[]): boolean {
  if (keys.encodings.includes('text')) return false;
  return layouts.every(
    (l) =>
      l.kind === 'count' ||
      l.kind === 'sum' ||
      l.kind === 'avg' ||
      l.kind === 'hll' ||
      (l.kind === 'minmax' && l.values === 'num'),
  );
}

export function mergedToPartial(
  table: GroupTable,
  keys: KeyLayout,
  aggs: readonly MergedAgg[],
  ids?: readonly number[],
): GroupsPartial {
  if (ids !== undefined) return selectedToPartial(table, keys, aggs, ids);
  const groups = table.size;
  const w = keys.width;
  const slots = table.slots;
  // Shared memory: such a partial may go on to the workers that merge partitions (reduce.ts).
  const parts = sharedU32(PARTITIONS + 1);
  const order = new Int32Array(groups);
  const words = sharedI32(groups * w);
  const bits = Math.log2(slots.length);
  const span = bits >= PARTITION_BITS ? 1 << (bits - PARTITION_BITS) : 1;
  let k = 0;
  for (let s = 0; s < slots.length; s += span) {
    for (let x = s; x < s + span; x++) {
      const entry = slots[x]!;
      if (entry === 0) continue;
      const id = entry - 1;
      order[k] = id;
      for (let j = 0; j < w; j++) words[k * w + j] = table.keys[id * w + j]!;
      k++;
    }
    parts[partitionOfSlot(s, bits) + 1] = k;
  }
  for (let p = 1; p <= PARTITIONS; p++) if (parts[p]! < parts[p - 1]!) parts[p] = parts[p - 1]!;
  const partial: GroupsPartial = {
    kind: 'groups',
    groups,
    keys: words,
    texts: keys.encodings.map(() => null),
    aggs: aggs.map((a) => aggOut(a, order, w > 0)),
  };
  return w === 0 ? partial : { ...partial, parts };
}

/** Groups `ids` of a merged table, in that order, as a partial without partitions. */
function selectedToPartial(
  table: GroupTable,
  keys: KeyLayout,
  aggs: readonly MergedAgg[],
  ids: readonly number[],
): GroupsPartial {
  const w = keys.width;
  const words = new Int32Array(ids.length * w);
  ids.forEach((id, k) => {
    for (let j = 0; j < w; j++) words[k * w + j] = table.keys[id * w + j]!;
  });
  const order = Int32Array.from(ids);
  return {
    kind: 'groups',
    groups: ids.length,
    keys: words,
    texts: keys.encodings.map(() => null),
    aggs: aggs.map((a) => aggOut(a, order, false)),
  };
}

function gather(values: Float64Array, order: Int32Array, shared: boolean): Float64Array {
  const out = shared ? sharedF64(order.length) : new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}

function aggOut(a: MergedAgg, order: Int32Array, shared: boolean): AggPartial {
  const l = a.layout;
  switch (l.kind) {
    case 'count':
      return { kind: 'count', values: gather(a.lo, order, shared) };
    case 'sum':
    case 'avg': {
      const hi = l.float ? null : gather(a.hi, order, shared);
      return {
        kind: l.kind,
        lo: gather(a.lo, order, shared),
        hi: hi?.some((x) => x !== 0) ? hi : null,
        n: l.kind === 'avg' || l.filtered ? gather(a.n, order, shared) : null,
      };
    }
    case 'minmax':
      return { kind: 'minmax', values: gather(a.lo, order, shared) };
    case 'hll': {
      const sketches: (Uint8Array | null)[] = [];
      for (let i = 0; i < order.length; i++) {
        const sketch = a.objects[order[i]!] as HyperLogLog | undefined;
        sketches.push(sketch === undefined ? null : serializeHll(sketch));
      }
      return { kind: 'hll', sketches };
    }
    default:
      throw new Error(`cannot write a merged ${l.kind} back out as a partial`);
  }
}
