import type { GeneratedKernel } from './agg-codegen.js';
import type { AggLayout } from './agg-layout.js';
import type { JobSpec } from './job-contract.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { StateArraySpec } from './kernel-state.js';
import { KEY_HASHES } from './spillable.js';

/** The one address column grouped by, when jobs hold it in dictionary form. */
export function denseKey(spec: JobSpec, dicts: ReadonlySet<string>): string | undefined {
  const [key] = spec.groupBy;
  if (spec.groupBy.length !== 1 || key!.kind !== 'column' || !dicts.has(key!.name)) return undefined;
  return key!.name;
}

/**
 * The kernel of GROUP BY `column` (an address in dictionary form) over spillable aggregates: a
 * row's group is its dictionary index into the DenseState's arrays (dense-groups.ts), marked on
 * first use; after the rows, the used entries go to the kernel state's spill buffer. `filter`:
 * the WHERE statement (if any); `updates`: each aggregate's update of group `g` (sums carry
 * through `DS`).
 */
export function denseKernel(
  b: KernelBuilder,
  column: string,
  filter: readonly string[],
  updates: readonly string[],
  arrays: StateArraySpec[],
  layouts: AggLayout[],
): GeneratedKernel {
  const size = `${b.addressDict(column)}.size`;
  const state = b.konst({ state: null });
  const slot = b.addrSlot(column, 'i');
  const words = b.words(column);
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
    `DS.flush(st, ${words}, ${size});`,
    '};',
  ].join('\n');
  return { source, consts: b.consts, arrays, layouts };
}
