import type { HyperLogLog } from '../hll/index.js';
import type { CidrValue, Expr } from '../plan/plan.js';
import { aggLayout } from './agg-layout.js';
import { GroupTable, hashWords, PARTITION_BITS, PARTITIONS } from './group-table.js';
import { InternTable } from './intern-table.js';
import type { JobSpec } from './job-contract.js';
import { decodeWords, encodingWidth, type KeyLayout, keyLayout } from './key-layout.js';
import { type MergedAgg, mergeAgg } from './merge-aggs.js';
import { mergedToPartial } from './merged-partial.js';
import { PairSet } from './pair-set.js';
import type { GroupsPartial } from './partial.js';
import type { PercentileAccumulator } from './percentile.js';
import { type IValue, normalizeBig } from './values.js';

/**
 * Groups held back in hash-ordered partials before they are merged (about 25 bytes each). One
 * flush at the end gives every partition's groups consecutive ids, so the whole merge stays in
 * cache; a flush midway leaves the later ones missing the cache on every group merged earlier.
 */
const MAX_PENDING_GROUPS = 48_000_000;

/**
 * Merges the GroupsPartials of a query's jobs (any resolution) into one group table keyed by the
 * same key words, text re-coded into coordinator-wide string tables.
 */
export class GroupMerger {
  readonly keys: KeyLayout;
  private readonly table: GroupTable;
  private readonly keyTexts: (InternTable | undefined)[];
  private readonly aggs: MergedAgg[];
  private readonly scratch: Int32Array;
  /** Indexes of the text group keys. */
  private readonly textKeys: number[];
  /** Partials in hash order, merged together by `flush`. */
  private pending: GroupsPartial[] = [];
  private pendingGroups = 0;

  constructor(spec: JobSpec) {
    this.keys = keyLayout(spec.groupBy, spec.physical);
    this.table = new GroupTable(this.keys.width, 256);
    this.keyTexts = this.keys.encodings.map((e) => (e === 'text' ? new InternTable() : undefined));
    this.scratch = new Int32Array(Math.max(1, this.keys.width));
    this.textKeys = this.keys.encodings.flatMap((e, k) => (e === 'text' ? [k] : []));
    const cap = this.table.capacity;
    this.aggs = spec.aggregates.map((a) => {
      const layout = aggLayout(a, spec.physical);
      const lo = new Float64Array(cap);
      if (layout.kind === 'minmax' && layout.values === 'num') lo.fill(Number.NaN);
      const valueWidth = layout.kind === 'distinct' ? encodingWidth[layout.encoding!] : 0;
      return {
        layout,
        lo,
        hi: new Float64Array(cap),
        n: new Float64Array(cap),
        objects: [],
        pairs: layout.kind === 'distinct' ? new PairSet(valueWidth, false) : undefined,
        texts: layout.kind === 'distinct' && layout.encoding === 'text' ? new InternTable() : undefined,
      };
    });
    this.table.onGrow = (capacity) => {
      for (const agg of this.aggs) {
        agg.lo = grow(agg.lo, capacity, agg.layout.kind === 'minmax' ? Number.NaN : 0);
        agg.hi = grow(agg.hi, capacity, 0);
        agg.n = grow(agg.n, capacity, 0);
      }
    };
  }

  get groups(): number {
    this.flush();
    return this.table.size;
  }

  add(p: GroupsPartial): void {
    if (p.parts !== undefined && this.textKeys.length === 0 && this.keys.width > 0) {
      this.pending.push(p);
      this.pendingGroups += p.groups;
      if (this.pendingGroups >= MAX_PENDING_GROUPS) this.flush();
      return;
    }
    const w = this.keys.width;
    const ids = new Int32Array(p.groups);
    if (w === 0) {
      if (p.groups > 0) ids[0] = this.emptyKeyGroup();
    } else if (this.textKeys.length === 0) {
      this.table.findOrInsertRange(p.keys, 0, p.groups, ids);
    } else this.addTextKeyed(p, ids);
    for (let j = 0; j < p.aggs.length; j++) mergeAgg(this.aggs[j]!, p.aggs[j]!, ids, 0, p.groups);
  }

  /**
   * Merges the partials held back (those in hash order) one hash partition at a time across all
   * of them: each partition's keys fall in one slot range of the table, and its new groups get
   * consecutive ids, so the merge works within cache instead of missing it at every group.
   */
  flush(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    this.pendingGroups = 0;
    const w = this.keys.width;
    const table = this.table;
    // One id array for every range: a range's ids are used up before the next is looked up.
    let most = 0;
    for (const p of pending) most = Math.max(most, p.groups);
    const ids = new Int32Array(most);
    // Sized for the end first: keys arriving in hash order would pile up in a table still small.
    table.reserve(table.size + estimateDistinct(pending, w));
    for (let part = 0; part < PARTITIONS; part++) {
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        const from = p.parts![part]!;
        const to = p.parts![part + 1]!;
        if (from === to) continue;
        table.findOrInsertRange(p.keys, from, to, ids);
        for (let j = 0; j < p.aggs.length; j++) mergeAgg(this.aggs[j]!, p.aggs[j]!, ids, from, to);
      }
    }
  }

  /** Keys with text words: each partial's string indexes re-coded into the merger's tables. */
  private addTextKeyed(p: GroupsPartial, ids: Int32Array): void {
    const w = this.keys.width;
    const scratch = this.scratch;
    const remaps = this.textKeys.map((k) => (p.texts[k] ?? []).map((s) => this.keyTexts[k]!.code(s)));
    const offsets = this.textKeys.map((k) => this.keys.offsets[k]!);
    for (let g = 0; g < p.groups; g++) {
      for (let j = 0; j < w; j++) scratch[j] = p.keys[g * w + j]!;
      for (let t = 0; t < offsets.length; t++) scratch[offsets[t]!] = remaps[t]![scratch[offsets[t]!]!]!;
      ids[g] = this.table.findOrInsert(scratch, 0);
    }
  }

  /** Everything merged so far as one partial (for `combinable` specs only: merged-partial.ts). */
  toPartial(): GroupsPartial {
    this.flush();
    return mergedToPartial(this.table, this.keys, this.aggs);
  }

  keyValue(g: number, k: number): IValue {
    const enc = this.keys.encodings[k]!;
    const texts = this.keyTexts[k]?.strings ?? null;
    return decodeWords(enc, this.table.keys, g * this.keys.width + this.keys.offsets[k]!, texts);
  }

  /** The final value of aggregate j in group g (`empty`: the one group of an aggregate over no rows). */
  aggValue(g: number, j: number, fraction: number | undefined, empty = false): IValue {
    const a = this.aggs[j]!;
    const l = a.layout;
    if (empty) return l.kind === 'count' || l.kind === 'distinct' || l.kind === 'hll' ? 0 : null;
    switch (l.kind) {
      case 'count':
        return a.lo[g]!;
      case 'sum':
      case 'avg': {
        if ((l.kind === 'avg' || l.filtered) && a.n[g] === 0) return null;
        const total =
          l.float || a.hi[g] === 0
            ? a.lo[g]!
            : normalizeBig(BigInt(a.hi[g]!) * 4294967296n + BigInt(a.lo[g]!));
        return l.kind === 'sum' ? total : Number(total) / a.n[g]!;
      }
      case 'minmax':
        if (l.values === 'num') return Number.isNaN(a.lo[g]) ? null : a.lo[g]!;
        return (a.objects[g] as string | CidrValue | undefined) ?? null;
      case 'distinct':
        return a.n[g]!;
      case 'hll': {
        const sketch = a.objects[g] as HyperLogLog | undefined;
        return sketch === undefined ? 0 : Math.round(sketch.estimate());
      }
      case 'percentile': {
        const acc = a.objects[g] as PercentileAccumulator | undefined;
        return acc === undefined ? null : acc.result(fraction ?? 0.5);
      }
    }
  }

  /**
   * Every group's value of an ORDER BY key as numbers, when the key is a group key or an aggregate
   * whose values are all plain numbers (no NULL, NaN or bigint); undefined otherwise. A fresh array.
   */
  numbers(e: Expr): Float64Array | undefined {
    const n = this.table.size;
    const out = new Float64Array(n);
    if (e.kind === 'key') {
      const enc = this.keys.encodings[e.index]!;
      if (enc !== 'u32' && enc !== 'f64') return undefined;
      for (let g = 0; g < n; g++) out[g] = this.keyValue(g, e.index) as number;
    } else if (e.kind === 'agg') {
      const kind = this.aggs[e.index]!.layout.kind;
      if (kind === 'percentile' || (kind === 'minmax' && this.aggs[e.index]!.layout.values !== 'num'))
        return undefined;
      for (let g = 0; g < n; g++) {
        const v = this.aggValue(g, e.index, undefined);
        if (typeof v !== 'number') return undefined;
        out[g] = v;
      }
    } else return undefined;
    for (let g = 0; g < n; g++) if (Number.isNaN(out[g]!)) return undefined;
    return out;
  }

  private emptyKeyGroup(): number {
    if (this.table.size === 0) this.table.insert(0);
    return 0;
  }
}

/**
 * Distinct keys of hash-ordered partials, by linear counting over partition 0 (partitions are
 * alike): the next LC_BITS bits of each of its keys' hash mark a bitmap; n ≈ −m·ln(empty / m).
 * Saturated (more than ~10 m keys per partition): every group counted, an upper bound.
 */
const LC_BITS = 16;

function estimateDistinct(pending: readonly GroupsPartial[], w: number): number {
  let upper = 0;
  for (const p of pending) upper += p.groups;
  // Few groups in all: room for every one costs less than counting.
  if (upper <= 1 << LC_BITS) return upper;
  const m = 1 << LC_BITS;
  const seen = new Uint8Array(m);
  for (const p of pending) {
    for (let g = 0; g < p.parts![1]!; g++) {
      seen[(hashWords(p.keys, g * w, w, 0) >>> (32 - PARTITION_BITS - LC_BITS)) & (m - 1)] = 1;
    }
  }
  let empty = 0;
  for (let i = 0; i < m; i++) if (seen[i] === 0) empty++;
  if (empty === 0) return upper;
  return Math.min(upper, Math.ceil(-m * Math.log(empty / m) * PARTITIONS * 1.05) + 1024);
}

function grow(a: Float64Array, capacity: number, fill: number): Float64Array {
  const next = new Float64Array(capacity);
  if (fill !== 0) next.fill(fill);
  next.set(a);
  return next;
}
