import type { NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import type { AddrDict } from '../encoding/addr-dict-build.js';

/** A column to store as a table per entry of its key's address dictionary. */
export interface KeyedCandidate {
  readonly name: string;
  readonly type: ColumnType;
  /**
   * The part's values in input row order. The column must store the same rows as its key (all,
   * or both the leaders only: then a repeat holds its leader's value and key, so checking every
   * input row finds the same pairs).
   */
  readonly values: NumberArray;
  readonly key: AddrDict;
}

export interface KeyedTable {
  /** One value per dictionary entry. */
  readonly table: Float64Array;
  /** The column whose block stores `table`, when it is another one (the table is shared). */
  readonly owner: string | undefined;
  readonly min: number;
  readonly max: number;
}

/**
 * The column's table over its key's dictionary, if it is a function of the key on its rows. The
 * rows are read in input order (sequentially; only the table is accessed at random).
 */
function tableOf(c: KeyedCandidate): { table: Float64Array; min: number; max: number } | undefined {
  const { values, key } = c;
  const table = new Float64Array(key.size).fill(Number.NaN);
  const index = key.index;
  const n = index.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < n; row++) {
    const v = values[row]!;
    const k = index[row]!;
    const t = table[k]!;
    if (Number.isNaN(t)) table[k] = v;
    else if (t !== v) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0 || min === max || !Number.isInteger(min) || !Number.isInteger(max)) return undefined;
  return { table, min, max };
}

/** Whether two tables agree wherever both are defined (NaN: undefined). */
function agree(a: Float64Array, b: Float64Array): boolean {
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (!Number.isNaN(x) && !Number.isNaN(y) && x !== y) return false;
  }
  return true;
}

/**
 * Plans the keyed columns of a part: each gets its table if it is a function of its key; columns
 * of the same type keyed by the same (shared) dictionary share one table when they agree on the
 * entries both use — src_as and dst_as over the part's shared address dictionary: an address has
 * one AS whether it is the source or the destination. Entries no row uses repeat their neighbour,
 * so that runs stay runs.
 */
export function planKeyed(candidates: readonly KeyedCandidate[]): Map<string, KeyedTable> {
  const own: { c: KeyedCandidate; table: Float64Array; min: number; max: number }[] = [];
  const result = new Map<string, KeyedTable>();
  for (const c of candidates) {
    const t = tableOf(c);
    if (t === undefined) continue;
    // One dictionary: the same entry arrays (columns sharing a dictionary have their own `index`).
    const host = own.find(
      (o) =>
        o.c.key.v4 === c.key.v4 && o.c.key.v6 === c.key.v6 && o.c.type === c.type && agree(o.table, t.table),
    );
    if (host === undefined) {
      own.push({ c, ...t });
      continue;
    }
    for (let k = 0; k < t.table.length; k++) if (!Number.isNaN(t.table[k]!)) host.table[k] = t.table[k]!;
    result.set(c.name, { table: host.table, owner: host.c.name, min: t.min, max: t.max });
  }
  for (const o of own) {
    const table = o.table;
    let last = o.min;
    for (let k = 0; k < table.length; k++) {
      if (Number.isNaN(table[k]!)) table[k] = last;
      else last = table[k]!;
    }
    result.set(o.c.name, { table, owner: undefined, min: o.min, max: o.max });
  }
  return result;
}
