import type { NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import { type AddrDict, buildAddrDict } from '../encoding/addr-dict-build.js';
import { groupRows } from './row-groups.js';
import { type SortKey, sortOrder } from './row-order.js';

/** How one part's rows are stored: their order, the repeated conversations, the address dictionaries. */
export interface PartPlan {
  /** The part's input rows (indexes into its column copies) in stored order: leaders, then repeats. */
  readonly order: Uint32Array;
  readonly leaders: number;
  /** Stored position of the leader of each stored row from `leaders` on. */
  readonly leaderOf: Uint32Array;
  /** The dictionary of each non-zero address column (one object for the columns that share one). */
  readonly dicts: ReadonlyMap<string, AddrDict>;
  /** The dictionary the `shareAddresses` columns share (a part-level block), if two or more are non-zero. */
  readonly shared: AddrDict | undefined;
}

/** The shared dictionary's input (the columns one after the other), reused across parts. */
let joined = new Uint8Array(0);

/** One dictionary over the addresses of several columns; each column's `index` is its rows' slice. */
function sharedDict(arrays: readonly Uint8Array[], rows: number): AddrDict[] {
  if (joined.length < rows * 16 * arrays.length) joined = new Uint8Array(rows * 16 * arrays.length);
  const all = joined;
  for (const [i, a] of arrays.entries()) all.set(a.subarray(0, rows * 16), i * rows * 16);
  const dict = buildAddrDict(all, rows * arrays.length);
  return arrays.map((_, i) => ({ ...dict, index: dict.index.subarray(i * rows, (i + 1) * rows) }));
}

/**
 * Plans a part of `rows` rows. `local(col)`: the part's copy of a column in input row order, or
 * undefined when the column is zero in every row. The `shareAddresses` columns get one
 * dictionary, every other address column its own. Rows are sorted by `sortBy` (addresses by their
 * dictionary index: IPv4 by value, then IPv6), then split into leaders and repeats by `groupBy`.
 */
export function planPart(
  schema: readonly ColumnDef[],
  rows: number,
  local: (col: ColumnDef) => NumberArray | undefined,
  sortBy: readonly string[],
  groupBy: readonly string[],
  shareAddresses: readonly string[] = [],
): PartPlan {
  const byName = new Map(schema.map((col) => [col.name, col]));
  const dicts = new Map<string, AddrDict>();
  const sharing = schema.filter(
    (col) => col.type === 'addr' && shareAddresses.includes(col.name) && local(col) !== undefined,
  );
  let shared: AddrDict | undefined;
  if (sharing.length >= 2) {
    const parts = sharedDict(
      sharing.map((col) => local(col) as Uint8Array),
      rows,
    );
    for (const [i, col] of sharing.entries()) dicts.set(col.name, parts[i]!);
    shared = parts[0];
  }
  for (const col of schema) {
    if (col.type !== 'addr' || dicts.has(col.name)) continue;
    const array = local(col);
    if (array !== undefined) dicts.set(col.name, buildAddrDict(array as Uint8Array, rows));
  }
  const key = (name: string): SortKey | undefined => {
    const col = byName.get(name);
    if (col === undefined) return undefined;
    const dict = dicts.get(name);
    if (dict !== undefined) return { type: 'u32', array: dict.index };
    const array = col.type === 'addr' ? undefined : local(col);
    return array === undefined ? undefined : { type: col.type, array };
  };
  const sortKeys = sortBy.map(key).filter((k) => k !== undefined);
  const order = sortOrder(sortKeys, rows);
  const groupKeys = groupBy.map(key).filter((k) => k !== undefined);
  // The leading sort keys that are group keys (address indexes): a conversation's rows are
  // neighbours in them.
  const runKeys: Uint32Array[] = [];
  for (const name of sortBy.slice(0, 2)) {
    const k = groupBy.includes(name) ? key(name)?.array : undefined;
    if (!(k instanceof Uint32Array)) break;
    runKeys.push(k);
  }
  const groups = groupRows(
    order,
    groupKeys.map((k) => k.array),
    runKeys,
  );
  return { ...groups, dicts, shared };
}
