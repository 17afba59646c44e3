import type { JobPartial, JobSpec, RunJobKernel } from '../../src/query/exec/job-contract.js';
import type { JobColumns } from '../../src/store/backend.js';

/**
 * A stand-in kernel for the runtime's tests (the job worker loads it by module URL): per column of
 * the spec, the sum of its values — string columns: of their texts' lengths, address columns: of
 * their bytes. A spec with a `gate` (SharedArrayBuffer cell) blocks until the test opens it; one
 * with `fail` throws it as a message.
 */
export interface TestSpec extends JobSpec {
  readonly gate?: Int32Array | undefined;
  readonly fail?: string | undefined;
}

export interface TestPartial {
  readonly rows: number;
  readonly sums: Float64Array;
}

export const runJobKernel: RunJobKernel = (spec: TestSpec, columns: JobColumns): JobPartial => {
  if (spec.gate !== undefined) {
    while (Atomics.load(spec.gate, 0) === 0) Atomics.wait(spec.gate, 0, 0);
  }
  if (spec.fail !== undefined) throw new Error(spec.fail);
  const sums = new Float64Array(spec.columns.length);
  spec.columns.forEach((name, c) => {
    const values = columns.columns[name]!;
    const dict = columns.dicts[name];
    let sum = 0;
    if (dict !== undefined) for (let r = 0; r < columns.rows; r++) sum += dict[values[r]!]!.length;
    else for (let i = 0; i < values.length; i++) sum += values[i]!;
    sums[c] = sum;
  });
  const partial: TestPartial = { rows: columns.rows, sums };
  return partial;
};

export const testKernelModule = new URL('./test-kernel.js', import.meta.url).href;

/** A spec for the test kernel: only key and columns matter to it and to the runtime. */
export function testSpec(key: string, columns: readonly string[], extra: Partial<TestSpec> = {}): TestSpec {
  return {
    key,
    columns,
    source: 'flows',
    resolution: 'minute',
    physical: {},
    where: undefined,
    aggregate: false,
    groupBy: [],
    aggregates: [],
    output: [],
    orderBy: [],
    keep: undefined,
    ...extra,
  };
}
