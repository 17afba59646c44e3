import type { GeneratedKernel } from './agg-codegen.js';
import type { AggLayout } from './agg-layout.js';
import type { JobSpec } from './job-contract.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { StateArraySpec } from './kernel-state.js';
import { KEY_HASHES } from './spillable.js';

/**
 * The one column grouped by, when the job holds it as entries that stand for its values: an
 * address column in dictionary form (`dicts`), or a keyed column with codes (`coded`: a row's
 * code is its value's entry in the table of distinct values).
 */
export function denseKey(spec: JobSpec, dicts: ReadonlySet<string>): string | undefined {
  const [key] = spec.groupBy;
  if (spec.groupBy.length !== 1 || key!.kind !== 'column' || !dicts.has(key!.name)) return undefined;
  return key!.name;
}

/** Where a dense kernel finds each row's entry, how many entries, and how it flushes them. */
export interface DenseSource {
  readonly size: string;
  readonly slot: string;
  readonly flush: string;
}

/** An address column in dictionary form: entries are its addresses (4 words each). */
export function addressSource(b: KernelBuilder, column: string): DenseSource {
  const size = `${b.addressDict(column)}.size`;
  return { size, slot: b.addrSlot(column, 'i'), flush: `DS.flush(st, ${b.words(column)}, ${size});` };
}

/** A keyed column with codes: entries are its distinct values (one word each). */
export function codedSource(b: KernelBuilder, column: string): DenseSource {
  const size = `${b.keyed(column)}.size`;
  return {
    size,
    slot: b.keyedSlot(column, 'i'),
    flush: `rt.flushValues(DS, st, ${b.keyedTable(column)}, ${size});`,
  };
}

/**
 * The kernel of GROUP BY one column held as entries (`from`: an address in dictionary form, or a
 * keyed column's codes) over spillable aggregates: a row's group is its entry's index into the
 * DenseState's arrays (dense-groups.ts), marked on first use; after the rows, the used entries go
 * to the kernel state's spill buffer. `filter`:
 * the WHERE statement (if any); `updates`: each aggregate's update of group `g` (sums carry
 * through `DS`).
 */
export function denseKernel(
  b: KernelBuilder,
  from: DenseSource,
  filter: readonly string[],
  updates: readonly string[],
  arrays: StateArraySpec[],
  layouts: AggLayout[],
): GeneratedKernel {
  const { size, slot, flush } = from;
  const state = b.konst({ state: null });
  const source = [
    'return function kernel(job, st) {',
    'const n = job.rows;',
    'const F = rt.f64, FW = rt.f64Words;',
    ...b.prelude,
    `const DS = rt.denseState(${state}, st, ${size});`,
    'const DM = DS.marks;',
    ...arrays.filter((a) => a !== KEY_HASHES).map((a) => `const ${a.name} = DS.arr.${a.name};`),
    'for (let i = 0; i < n; i++) {',
    ...filter,
    `const g = ${slot};`,
    'DM[g] = 1;',
    ...updates,
    '}',
    flush,
    '};',
  ].join('\n');
  return { source, consts: b.consts, arrays, layouts };
}
