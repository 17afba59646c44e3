import type { CidrValue } from '../plan/plan.js';
import type { PercentileSketchState } from './percentile.js';
import type { IValue } from './values.js';

/**
 * What a job returns (a JobPartial): plain data and typed arrays, structured-cloneable, and
 * independent of the job's dictionaries — text appears as strings, so partials of different jobs
 * merge directly.
 */
export type Partial = GroupsPartial | RowsPartial | PartsPartial;

/**
 * Several GroupsPartials of one task (a group of jobs whose kernel state was cut whenever its
 * table outgrew the cache): merged like the partials of separate jobs.
 */
export interface PartsPartial {
  readonly kind: 'parts';
  readonly partials: readonly GroupsPartial[];
}

/** An aggregate query's partial: one entry per group. */
export interface GroupsPartial {
  readonly kind: 'groups';
  readonly groups: number;
  /** Group keys, `width` int32 words per group laid out by keyLayout(spec); text words index `texts`. */
  readonly keys: Int32Array;
  readonly texts: readonly (readonly string[] | null)[];
  readonly aggs: readonly AggPartial[];
  /**
   * Present when the groups are in the order of their key hash: groups parts[p] .. parts[p + 1]
   * are those of hash partition p (group-table.ts `PARTITIONS`), which the coordinator merges
   * partition by partition. Only for keys without text.
   */
  readonly parts?: Uint32Array | undefined;
  /** With `parts`, optionally: each group's key hash (`hashWords(keys, g·width, width, 0) | 0`). */
  readonly hashes?: Int32Array | undefined;
}

/** A plain query's partial: rows of [output values…, ORDER BY values…]. */
export interface RowsPartial {
  readonly kind: 'rows';
  readonly rows: readonly (readonly IValue[])[];
}

export type AggPartial =
  | { readonly kind: 'count'; readonly values: Float64Array }
  /**
   * sum and avg: the exact integer total is hi·2^32 + lo (hi null when zero everywhere); floats
   * use lo alone. `n` counts the rows summed (null when every group has some: no FILTER).
   */
  | {
      readonly kind: 'sum' | 'avg';
      readonly lo: Float64Array;
      readonly hi: Float64Array | null;
      readonly n: Float64Array | null;
    }
  | { readonly kind: 'minmax'; readonly values: Float64Array | readonly (string | CidrValue | null)[] }
  /** count(DISTINCT): each group's distinct values, `width` words each, text words index `texts`. */
  | {
      readonly kind: 'distinct';
      readonly offsets: Uint32Array;
      readonly words: Int32Array;
      readonly texts: readonly string[] | null;
    }
  /** approx_count_distinct: serialized HyperLogLog sketches (docs/hll.md), null for none. */
  | { readonly kind: 'hll'; readonly sketches: readonly (Uint8Array | null)[] }
  /** percentile_cont: an exact value → count histogram per group, or a sketch past the limit. */
  | {
      readonly kind: 'percentile';
      readonly offsets: Uint32Array;
      readonly values: Float64Array;
      readonly counts: Float64Array;
      readonly sketches: readonly (PercentileSketchState | null)[];
    };

/** Estimated bytes a partial holds (typed arrays, strings, and a little per object). */
export function partialSize(partial: unknown): number {
  return sizeOf(partial, 0);
}

function sizeOf(v: unknown, depth: number): number {
  if (v === null || v === undefined) return 8;
  if (typeof v === 'string') return 16 + v.length * 2;
  if (typeof v !== 'object') return 8;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (depth > 6) return 64;
  let total = 32;
  if (Array.isArray(v)) {
    for (const item of v) total += sizeOf(item, depth + 1);
    return total;
  }
  for (const item of Object.values(v)) total += 8 + sizeOf(item, depth + 1);
  return total;
}
