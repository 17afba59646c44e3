import { deserializeHll, type HyperLogLog } from '../hll/index.js';
import type { CidrValue } from '../plan/plan.js';
import type { AggLayout } from './agg-layout.js';
import type { InternTable } from './intern-table.js';
import type { PairSet } from './pair-set.js';
import type { AggPartial } from './partial.js';
import { PercentileAccumulator } from './percentile.js';
import { compareNonNull, compareText } from './values.js';

/** Merging one aggregate of the partials into the coordinator's group-indexed state. */

const TWO_32 = 4294967296;
const LIMIT_2_52 = 4503599627370496;

/** One aggregate's state on the coordinator, indexed by merged group id. */
export interface MergedAgg {
  readonly layout: AggLayout;
  lo: Float64Array;
  hi: Float64Array;
  n: Float64Array;
  readonly objects: (string | CidrValue | HyperLogLog | PercentileAccumulator | undefined)[];
  readonly pairs: PairSet | undefined;
  readonly texts: InternTable | undefined;
}

/** Merges aggregate `part` of a partial, groups [from, to), into `a` (partial group g → merged ids[g]). */
export function mergeAgg(a: MergedAgg, part: AggPartial, ids: Int32Array, from: number, to: number): void {
  switch (part.kind) {
    case 'count':
      for (let g = from; g < to; g++) a.lo[ids[g]!] += part.values[g]!;
      return;
    case 'sum':
    case 'avg': {
      const lo = a.lo;
      const hi = a.hi;
      const pLo = part.lo;
      const pHi = part.hi;
      const exact = !a.layout.float;
      if (pHi !== null) for (let g = from; g < to; g++) hi[ids[g]!] += pHi[g]!;
      for (let g = from; g < to; g++) {
        const id = ids[g]!;
        let l = lo[id]! + pLo[g]!;
        if (exact && (l >= LIMIT_2_52 || l <= -LIMIT_2_52)) {
          const carry = Math.floor(l / TWO_32);
          l -= carry * TWO_32;
          hi[id] += carry;
        }
        lo[id] = l;
      }
      if (part.n !== null) for (let g = from; g < to; g++) a.n[ids[g]!] += part.n[g]!;
      return;
    }
    case 'minmax':
      mergeMinMax(a, part.values, ids, from, to);
      return;
    case 'distinct':
      mergeDistinct(a, part, ids);
      return;
    case 'hll':
      for (let g = from; g < to; g++) {
        const bytes = part.sketches[g];
        if (bytes === null || bytes === undefined) continue;
        const sketch = deserializeHll(bytes);
        const cur = a.objects[ids[g]!] as HyperLogLog | undefined;
        if (cur === undefined) a.objects[ids[g]!] = sketch;
        else cur.merge(sketch);
      }
      return;
    case 'percentile':
      for (let g = from; g < to; g++) {
        const id = ids[g]!;
        let acc = a.objects[id] as PercentileAccumulator | undefined;
        if (acc === undefined) {
          acc = new PercentileAccumulator();
          a.objects[id] = acc;
        }
        const sketch = part.sketches[g];
        if (sketch !== null && sketch !== undefined) acc.mergeSketch(sketch);
        else
          for (let k = part.offsets[g]!; k < part.offsets[g + 1]!; k++)
            acc.add(part.values[k]!, part.counts[k]!);
      }
      return;
  }
}

function mergeMinMax(
  a: MergedAgg,
  values: Float64Array | readonly (string | CidrValue | null)[],
  ids: Int32Array,
  from: number,
  to: number,
): void {
  const max = a.layout.max;
  if (values instanceof Float64Array) {
    for (let g = from; g < to; g++) {
      const v = values[g]!;
      const cur = a.lo[ids[g]!]!;
      if (!Number.isNaN(v) && (Number.isNaN(cur) || (max ? v > cur : v < cur))) a.lo[ids[g]!] = v;
    }
    return;
  }
  for (let g = from; g < to; g++) {
    const v = values[g];
    if (v === null || v === undefined) continue;
    const cur = a.objects[ids[g]!] as string | CidrValue | undefined;
    const c =
      cur === undefined ? 0 : typeof v === 'string' ? compareText(v, cur as string) : compareNonNull(v, cur);
    if (cur === undefined || (max ? c > 0 : c < 0)) a.objects[ids[g]!] = v;
  }
}

function mergeDistinct(a: MergedAgg, part: AggPartial & { kind: 'distinct' }, ids: Int32Array): void {
  const pairs = a.pairs!;
  const vw = pairs.valueWidth;
  const words = part.words;
  if (a.texts !== undefined) {
    const remap = (part.texts ?? []).map((s) => a.texts!.code(s));
    const copy = Int32Array.from(words, (code) => remap[code]!);
    addDistinct(a, part.offsets, copy, vw, ids);
    return;
  }
  addDistinct(a, part.offsets, words, vw, ids);
}

function addDistinct(
  a: MergedAgg,
  offsets: Uint32Array,
  words: Int32Array,
  vw: number,
  ids: Int32Array,
): void {
  for (let g = 0; g < ids.length; g++) {
    const id = ids[g]!;
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++)
      if (a.pairs!.addWords(id, 1, words, k * vw)) a.n[id]++;
  }
}
