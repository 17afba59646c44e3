import type { HyperLogLog } from '../hll/index.js';
import type { CidrValue, Expr } from '../plan/plan.js';
import { aggLayout } from './agg-layout.js';
import { estimateDistinct } from './estimate-distinct.js';
import { GroupTable, PARTITIONS } from './group-table.js';
import { InternTable } from './intern-table.js';
import type { JobSpec } from './job-contract.js';
import { decodeWords, encodingWidth, type KeyLayout, keyLayout } from './key-layout.js';
import { type MergedAgg, mergeAgg } from './merge-aggs.js';
import { mergeRangeFused } from './merge-fused.js';
import { mergedToPartial } from './merged-partial.js';
import { PairSet } from './pair-set.js';
import type { GroupsPartial } from './partial.js';
import { partitioned } from './partitioned.js';
import type { PercentileAccumulator } from './percentile.js';
import { AllGroupsOut } from './reduce-all.js';
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
  /** Partials not in hash order held back too (`holdEverything`). */
  private held: GroupsPartial[] = [];
  private holdAll = false;
  /** Merged ids of a partial's groups, reused from one partition to the next. */
  private ids = new Int32Array(0);
  /** Pending groups past which `add` flushes (bounds memory; the collector may take over). */
  maxPending = MAX_PENDING_GROUPS;
  private pendingGroups = 0;

  /** `partitionLocal`: the merger holds the keys of one hash partition at a time (reduce.ts). */
  constructor(
    spec: JobSpec,
    private readonly partitionLocal = false,
  ) {
    this.keys = keyLayout(spec.groupBy, spec.physical);
    this.table = new GroupTable(this.keys.width, 256, partitionLocal);
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
      if (this.pendingGroups >= this.maxPending) this.flush();
      return;
    }
    if (this.holdAll) {
      this.held.push(p);
      this.pendingGroups += p.groups;
      return;
    }
    this.mergeNow(p);
  }

  /**
   * Holds back every partial from now on, those not in hash order too (`takePending` hands them
   * over in hash order): a merge of the held partials elsewhere then sees every entry of a key.
   */
  holdEverything(): void {
    this.holdAll = true;
    this.maxPending = Number.POSITIVE_INFINITY;
  }

  private mergeNow(p: GroupsPartial): void {
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
    const held = this.held;
    this.held = [];
    for (const p of held) this.mergeNow(p);
    const pending = this.pending;
    this.pending = [];
    this.pendingGroups = 0;
    if (pending.length > 0) this.mergePartitions(pending, 0, PARTITIONS);
  }

  /** Groups held back in hash-ordered partials (merged by `flush`). */
  get pendingCount(): number {
    return this.pendingGroups;
  }

  /** The partials held back, handed over in hash order (the merger forgets them). */
  takePending(): GroupsPartial[] {
    const pending = this.pending;
    if (this.held.length > 0) pending.push(partitioned(this.held, this.keys.width));
    this.pending = [];
    this.held = [];
    this.pendingGroups = 0;
    return pending;
  }

  /**
   * Merges hash partitions [from, to) of hash-ordered partials, partition by partition (see
   * `flush`); a worker merging its share of a query's partitions (reduce.ts) calls this. The
   * table is sized for `expected` more groups, else for an estimate of the distinct keys.
   */
  mergePartitions(pending: readonly GroupsPartial[], from: number, to: number, expected?: number): void {
    const table = this.table;
    // One id array for every range: a range's ids are used up before the next is looked up.
    let most = 0;
    for (const p of pending) most = Math.max(most, p.groups);
    if (this.ids.length < most) this.ids = new Int32Array(most);
    const ids = this.ids;
    // Sized for the end first: keys arriving in hash order would pile up in a table still small.
    table.reserve(table.size + (expected ?? estimateDistinct(pending, this.keys.width, from, to)));
    for (let part = from; part < to; part++) {
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        const from = p.parts![part]!;
        const to = p.parts![part + 1]!;
        if (from === to) continue;
        if (this.aggs.length === 1 && mergeRangeFused(table, this.partitionLocal, this.aggs[0]!, p, from, to))
          continue;
        table.findOrInsertRange(p.keys, from, to, ids, p.hashes);
        for (let j = 0; j < p.aggs.length; j++) mergeAgg(this.aggs[j]!, p.aggs[j]!, ids, from, to);
      }
    }
  }

  /** Forgets every group (the table and the aggregates' arrays keep their size). */
  reset(): void {
    const n = this.table.size;
    this.table.clear();
    for (const agg of this.aggs) {
      agg.lo.fill(agg.layout.kind === 'minmax' ? Number.NaN : 0, 0, n);
      agg.hi.fill(0, 0, n);
      agg.n.fill(0, 0, n);
      agg.objects.length = 0;
      if (agg.pairs !== undefined || agg.texts !== undefined) throw new Error('reset of a distinct count');
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

  /**
   * Everything merged so far as one partial (for `combinable` specs only: merged-partial.ts); with
   * `ids`, only those groups, in that order.
   */
  toPartial(ids?: readonly number[]): GroupsPartial {
    this.flush();
    return mergedToPartial(this.table, this.keys, this.aggs, ids);
  }

  /** A writer of every merged group, partition by partition (reduce.ts: a task without a page). */
  allGroupsOut(): AllGroupsOut {
    return new AllGroupsOut(this.keys, this.aggs);
  }

  /** Adds the groups merged so far (one hash partition's) to `out` as partition `part`. */
  writeAll(out: AllGroupsOut, part: number): void {
    this.flush();
    out.add(part, this.table.keys, this.table.size);
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
      const a = this.aggs[e.index]!;
      const l = a.layout;
      if (l.kind === 'percentile' || (l.kind === 'minmax' && l.values !== 'num')) return undefined;
      // The common kinds read straight from the arrays (a minmax over no row is NaN: refused below).
      if (l.kind === 'count' || l.kind === 'minmax') out.set(a.lo.subarray(0, n));
      else if (l.kind === 'sum' && !l.filtered) {
        for (let g = 0; g < n; g++) {
          if (l.float || a.hi[g] === 0) out[g] = a.lo[g]!;
          else {
            const v = this.aggValue(g, e.index, undefined);
            if (typeof v !== 'number') return undefined;
            out[g] = v;
          }
        }
      } else
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

function grow(a: Float64Array, capacity: number, fill: number): Float64Array {
  const next = new Float64Array(capacity);
  if (fill !== 0) next.fill(fill);
  next.set(a);
  return next;
}
