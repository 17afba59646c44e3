import { hashWords, PARTITIONS } from './group-table.js';
import type { AggPartial, GroupsPartial } from './partial.js';
import { sharedF64, sharedI32, sharedU32 } from './shared-arrays.js';

/**
 * The groups of several partials of a spillable spec (spillable.ts: keys without text; count,
 * sum, avg and numeric min/max) as one partial in hash-partition order, with partition bounds and
 * key hashes, in shared memory — the form the workers' merge reads (reduce.ts). A key of several
 * partials stays several entries.
 */
export function partitioned(partials: readonly GroupsPartial[], width: number): GroupsPartial {
  let total = 0;
  for (const p of partials) total += p.groups;
  const hashes = new Int32Array(total);
  const counts = new Uint32Array(PARTITIONS + 1);
  let e = 0;
  for (const p of partials) {
    for (let g = 0; g < p.groups; g++, e++) {
      const h = p.hashes?.[g] ?? hashWords(p.keys, g * width, width, 0) | 0;
      hashes[e] = h;
      counts[(h >>> 24) + 1]!++;
    }
  }
  for (let part = 1; part <= PARTITIONS; part++) counts[part]! += counts[part - 1]!;
  const parts = sharedU32(PARTITIONS + 1);
  parts.set(counts);
  const place = new Int32Array(total);
  for (let i = 0; i < total; i++) place[i] = counts[hashes[i]! >>> 24]!++;

  const keys = sharedI32(total * width);
  const outHashes = sharedI32(total);
  e = 0;
  for (const p of partials) {
    for (let g = 0; g < p.groups; g++, e++) {
      const at = place[e]!;
      outHashes[at] = hashes[e]!;
      for (let j = 0; j < width; j++) keys[at * width + j] = p.keys[g * width + j]!;
    }
  }
  const aggs = (partials[0]?.aggs ?? []).map((first, j): AggPartial => {
    // Aggregate j's column of every partial, moved to the entries' places (null if absent in all).
    const move = (pick: (a: AggPartial) => Float64Array | null, fill: number): Float64Array | null => {
      if (partials.every((p) => pick(p.aggs[j]!) === null)) return null;
      const out = sharedF64(total);
      let base = 0;
      for (const p of partials) {
        const values = pick(p.aggs[j]!);
        for (let g = 0; g < p.groups; g++) out[place[base + g]!] = values === null ? fill : values[g]!;
        base += p.groups;
      }
      return out;
    };
    switch (first.kind) {
      case 'count':
      case 'minmax': {
        const values = (a: AggPartial) => (a as { values: Float64Array }).values;
        return { kind: first.kind, values: move(values, 0)! };
      }
      case 'sum':
      case 'avg': {
        const as = (a: AggPartial) => a as AggPartial & { kind: 'sum' };
        return {
          kind: first.kind,
          lo: move((a) => as(a).lo, 0)!,
          hi: move((a) => as(a).hi, 0),
          n: first.n === null ? null : move((a) => as(a).n, 0),
        };
      }
      default:
        throw new Error(`a ${first.kind} aggregate is not merged by partition on the workers`);
    }
  });
  return {
    kind: 'groups',
    groups: total,
    keys,
    texts: partials[0]?.texts.map(() => null) ?? [],
    aggs,
    parts,
    hashes: outHashes,
  };
}
