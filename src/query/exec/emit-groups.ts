import { serializeHll } from '../hll/index.js';
import type { CidrValue } from '../plan/plan.js';
import type { AggLayout } from './agg-layout.js';
import { PARTITION_BITS, PARTITION_MIN_GROUPS, PARTITIONS, partitionOfSlot } from './group-table.js';
import type { KernelState } from './kernel-state.js';
import type { KeyLayout } from './key-layout.js';
import type { AggPartial, GroupsPartial } from './partial.js';
import { PERCENTILE_EXACT_LIMIT, PercentileAccumulator, type PercentileSketchState } from './percentile.js';

/**
 * Turns a finished kernel state into a GroupsPartial: arrays cut to the group count, text codes of
 * the job's tables replaced by indexes into small per-partial string lists; many groups of plain
 * keys go out in hash order with their partition bounds.
 */
export function emitGroups(st: KernelState, keys: KeyLayout, layouts: readonly AggLayout[]): GroupsPartial {
  const groups = st.table.size;
  const w = keys.width;
  const hashed = hashOrder(st, keys, layouts);
  const order = hashed?.order ?? null;
  const words = hashed?.words ?? st.table.keys.slice(0, groups * w);
  const texts = keys.encodings.map((enc, k) => {
    if (enc !== 'text') return null;
    return compactTexts(words, keys.offsets[k]!, w, groups, st.keyTables[k] ?? ['']);
  });
  const aggs = layouts.map((layout, j) => emitAgg(st, layout, j, groups, order));
  const partial: GroupsPartial = { kind: 'groups', groups, keys: words, texts, aggs };
  return hashed === undefined ? partial : { ...partial, parts: hashed.parts };
}

/**
 * Many groups of plain keys and aggregates: the groups in the order of their slots in the table
 * (their key hash order), with the bounds of each hash partition, so that the coordinator merges
 * partials partition by partition within cache (see GroupMerger).
 */
function hashOrder(
  st: KernelState,
  keys: KeyLayout,
  layouts: readonly AggLayout[],
): { order: Int32Array; parts: Uint32Array; words: Int32Array } | undefined {
  const groups = st.table.size;
  const w = keys.width;
  if (groups < PARTITION_MIN_GROUPS || w === 0 || keys.encodings.includes('text')) return undefined;
  if (layouts.some((l) => l.kind === 'distinct' || l.kind === 'percentile')) return undefined;
  const slots = st.table.slots;
  const from = st.table.keys;
  const parts = new Uint32Array(PARTITIONS + 1);
  const order = new Int32Array(groups);
  const words = new Int32Array(groups * w);
  const bits = Math.log2(slots.length);
  // Slots of partition p: [p << (bits - PARTITION_BITS), (p + 1) << …); a table smaller than
  // PARTITIONS slots gives each slot its own partition.
  const span = bits >= PARTITION_BITS ? 1 << (bits - PARTITION_BITS) : 1;
  let k = 0;
  for (let s = 0; s < slots.length; s += span) {
    for (let x = s; x < s + span; x++) {
      const entry = slots[x]!;
      if (entry === 0) continue;
      const id = entry - 1;
      order[k] = id;
      for (let j = 0; j < w; j++) words[k * w + j] = from[id * w + j]!;
      k++;
    }
    parts[partitionOfSlot(s, bits) + 1] = k;
  }
  // Partitions without a slot of their own (small tables) end where the previous one does.
  for (let p = 1; p <= PARTITIONS; p++) if (parts[p]! < parts[p - 1]!) parts[p] = parts[p - 1]!;
  return { order, parts, words };
}

/** Rewrites codes at words[at + g·stride] into indexes of the returned list of their strings. */
function compactTexts(
  words: Int32Array,
  at: number,
  stride: number,
  count: number,
  table: readonly string[],
): string[] {
  const remap = new Map<number, number>();
  const out: string[] = [];
  for (let g = 0; g < count; g++) {
    const i = at + g * stride;
    const code = words[i]!;
    let idx = remap.get(code);
    if (idx === undefined) {
      idx = out.length;
      out.push(table[code]!);
      remap.set(code, idx);
    }
    words[i] = idx;
  }
  return out;
}

function emitAgg(
  st: KernelState,
  layout: AggLayout,
  j: number,
  groups: number,
  order: Int32Array | null,
): AggPartial {
  const at = (g: number) => (order === null ? g : order[g]!);
  const arr = (name: string) => {
    const a = st.arr[`${name}${j}`]! as Float64Array;
    if (order === null) return a.slice(0, groups);
    const out = new Float64Array(groups);
    for (let g = 0; g < groups; g++) out[g] = a[order[g]!]!;
    return out;
  };
  switch (layout.kind) {
    case 'count':
      return { kind: 'count', values: arr('A') };
    case 'sum':
    case 'avg': {
      const carried = !layout.float && st.arr[`H${j}`]!.subarray(0, groups).some((x) => x !== 0);
      return {
        kind: layout.kind,
        lo: arr('A'),
        hi: carried ? arr('H') : null,
        n: layout.kind === 'avg' || layout.filtered ? arr('N') : null,
      };
    }
    case 'minmax': {
      if (layout.values === 'num') return { kind: 'minmax', values: arr('A') };
      if (layout.values === 'text') {
        const codes = st.arr[`A${j}`]!;
        const table = st.aggTables[j] ?? [];
        const values: (string | null)[] = [];
        for (let g = 0; g < groups; g++) {
          const code = codes[at(g)]!;
          values.push(code < 0 ? null : table[code]!);
        }
        return { kind: 'minmax', values };
      }
      const list = st.objs[j]!;
      const values: (CidrValue | null)[] = [];
      for (let g = 0; g < groups; g++) values.push(list[at(g)] ?? null);
      return { kind: 'minmax', values };
    }
    case 'hll': {
      const list = st.hll[j]!;
      const sketches: (Uint8Array | null)[] = [];
      for (let g = 0; g < groups; g++) {
        const sketch = list[at(g)];
        sketches.push(sketch === undefined ? null : serializeHll(sketch));
      }
      return { kind: 'hll', sketches };
    }
    case 'distinct':
      return emitDistinct(st, j, groups, layout);
    case 'percentile':
      return emitPercentile(st, j, groups);
  }
}

function emitDistinct(st: KernelState, j: number, groups: number, layout: AggLayout): AggPartial {
  const pairs = st.pairs[j]!;
  const vw = pairs.valueWidth;
  const { offsets, order } = pairs.byGroup(groups);
  const keys = pairs.table.keys;
  const words = new Int32Array(order.length * vw);
  for (let k = 0; k < order.length; k++) {
    const at = order[k]! * (vw + 1) + 1;
    for (let x = 0; x < vw; x++) words[k * vw + x] = keys[at + x]!;
  }
  const texts =
    layout.encoding === 'text' ? compactTexts(words, 0, 1, order.length, st.aggTables[j] ?? ['']) : null;
  return { kind: 'distinct', offsets, words, texts };
}

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);

function emitPercentile(st: KernelState, j: number, groups: number): AggPartial {
  const pairs = st.pairs[j]!;
  const { offsets, order } = pairs.byGroup(groups);
  const keys = pairs.table.keys;
  const values = new Float64Array(order.length);
  const counts = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const id = order[k]!;
    f64Words[0] = keys[id * 3 + 1]!;
    f64Words[1] = keys[id * 3 + 2]!;
    values[k] = f64[0]!;
    counts[k] = pairs.counts![id]!;
  }
  const sketches: (PercentileSketchState | null)[] = [];
  for (let g = 0; g < groups; g++) {
    if (offsets[g + 1]! - offsets[g]! <= PERCENTILE_EXACT_LIMIT) {
      sketches.push(null);
      continue;
    }
    const acc = new PercentileAccumulator();
    for (let k = offsets[g]!; k < offsets[g + 1]!; k++) acc.add(values[k]!, counts[k]!);
    sketches.push(acc.toState());
  }
  return { kind: 'percentile', offsets, values, counts, sketches };
}
