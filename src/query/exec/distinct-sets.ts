import type { JobColumns } from '../../store/backend.js';
import { usedAddresses } from '../../store/read/job-distinct.js';
import { HyperLogLog } from '../hll/index.js';
import { LITTLE_ENDIAN } from './hll-codegen.js';
import type { JobSpec } from './job-contract.js';
import type { KernelState } from './kernel-state.js';
import type { PairSet } from './pair-set.js';

/**
 * Distinct counts of address columns over every row of a job — approx_count_distinct and exact
 * count(DISTINCT), no GROUP BY, WHERE or FILTER — from the columns' distinct values
 * (`ReadOptions.distinct`, backend.ts `AddressSet`): the store hands each column over as its
 * distinct addresses without rows, and each is added once, to the sketch (whose registers depend
 * only on the set added) or to the exact set. The partial is the one the per-row kernels give.
 */

/** True when every aggregate of the spec counts the distinct values of an address column over every row. */
export function setAggregates(spec: JobSpec): boolean {
  return (
    LITTLE_ENDIAN &&
    spec.source === 'flows' &&
    spec.aggregate &&
    spec.groupBy.length === 0 &&
    spec.where === undefined &&
    spec.aggregates.length > 0 &&
    spec.aggregates.every(
      (a) =>
        (a.fn === 'approx_count_distinct' || a.fn === 'count_distinct') &&
        a.filter === undefined &&
        a.arg?.kind === 'column' &&
        spec.physical[a.arg.name] === 'addr',
    )
  );
}

/** The address columns a spec's jobs can take as distinct values only. */
export function distinctColumnsOf(spec: JobSpec): readonly string[] {
  if (!setAggregates(spec)) return [];
  const names = new Set<string>();
  for (const a of spec.aggregates) if (a.arg?.kind === 'column') names.add(a.arg.name);
  return [...names];
}

/**
 * Runs a spec of `setAggregates` over a job holding some of its columns in distinct form: those
 * sets added whole, a column in dictionary form by the entries its rows use, one as rows by its
 * rows (what the generated kernels do, hll-codegen.ts `columnSketchKernel` and agg-codegen.ts).
 */
export function sketchDistinctForms(spec: JobSpec, job: JobColumns, st: KernelState): void {
  if (job.rows === 0) return;
  spec.aggregates.forEach((a, j) => {
    const name = (a.arg as { name: string }).name;
    const add = a.fn === 'count_distinct' ? pairsAdder(st.pairs[j]!) : sketchAdder(st, j);
    const set = job.distinct?.[name];
    const dict = job.addressDicts?.[name];
    if (set !== undefined) add(words(set.entries, set.size), set.size);
    else if (dict !== undefined) {
      const used = usedAddresses(dict, job.rows);
      add(words(used.entries, used.size), used.size);
    } else add(words(job.columns[name] as Uint8Array, job.rows), job.rows);
  });
  st.table.size = 1;
}

/** Adds `n` addresses given as int32 words (4 each). */
type Adder = (words: Int32Array, n: number) => void;

function sketchAdder(st: KernelState, j: number): Adder {
  const list = st.hll[j]!;
  const sketch = list[0] ?? new HyperLogLog();
  list[0] = sketch;
  return (w, n) => sketch.addAddressWords(w, 0, n);
}

function pairsAdder(pairs: PairSet): Adder {
  return (w, n) => {
    for (let i = 0; i < n; i++) {
      const at = i << 2;
      pairs.add(0, 1, w[at]!, w[at + 1]!, w[at + 2]!, w[at + 3]!);
    }
  };
}

/** `n` 16-byte addresses as int32 words (a view when aligned, else a copy). */
function words(bytes: Uint8Array, n: number): Int32Array {
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, n * 4);
  return new Int32Array(bytes.slice(0, n * 16).buffer);
}
