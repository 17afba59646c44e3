import type { AggLayout } from './agg-layout.js';
import type { KernelState } from './kernel-state.js';
import type { KeyLayout } from './key-layout.js';
import type { AggPartial, GroupsPartial, PartsPartial } from './partial.js';
import type { SpillRun } from './spill-buffer.js';
import { KEY_HASHES } from './spillable.js';

/**
 * The groups of a spillable kernel state (spillable.ts) — those its table spilled whenever it was
 * full and those still in it, spilled last — as one GroupsPartial per spill run, each in hash-
 * partition order with its partitions' bounds and each group's key hash. A key may appear in
 * several runs: the merge adds its entries up. The arrays are in shared memory: the partial goes
 * to the coordinator and on to the workers that merge its partitions (reduce.ts) without a copy.
 */
export function emitSpilled(
  st: KernelState,
  keyLayout: KeyLayout,
  layouts: readonly AggLayout[],
): GroupsPartial | PartsPartial {
  if (st.table.size > 0 || st.spill === undefined) st.spillTable();
  const runs = st.spill!.runs;
  st.spill = undefined;
  const partials = runs.map((run) => runPartial(run, st.arrayNames, keyLayout, layouts));
  return partials.length === 1 ? partials[0]! : { kind: 'parts', partials };
}

function runPartial(
  run: SpillRun,
  names: readonly string[],
  keyLayout: KeyLayout,
  layouts: readonly AggLayout[],
): GroupsPartial {
  const column = (name: string) => run.columns[names.indexOf(name)] as Float64Array | null;
  const aggs = layouts.map((layout, j): AggPartial => {
    switch (layout.kind) {
      case 'count':
        return { kind: 'count', values: column(`A${j}`)! };
      case 'minmax':
        return { kind: 'minmax', values: column(`A${j}`)! };
      case 'sum':
      case 'avg':
        return {
          kind: layout.kind,
          lo: column(`A${j}`)!,
          // Null: no sum of the run passed 2^52.
          hi: layout.float ? null : column(`H${j}`),
          n: layout.kind === 'avg' || layout.filtered ? column(`N${j}`) : null,
        };
      default:
        throw new Error(`a ${layout.kind} aggregate does not spill`);
    }
  });
  return {
    kind: 'groups',
    groups: run.groups,
    keys: run.keys,
    texts: keyLayout.encodings.map(() => null),
    aggs,
    parts: run.parts,
    hashes: run.columns[names.indexOf(KEY_HASHES.name)] as Int32Array,
  };
}
