import { aggLayout } from './agg-layout.js';
import { type CompiledKernel, compileKernel, groupableSpec } from './compile-kernel.js';
import type { JobGroupKernel, JobPartial, JobSpec, PartialSize, RunJobKernel } from './job-contract.js';
import { keyLayout } from './key-layout.js';
import { GroupMerger } from './merge-groups.js';
import { combinable } from './merged-partial.js';
import { partialSize as estimate, type GroupsPartial, type Partial } from './partial.js';
import { type ReduceTask, reducePartitions } from './reduce.js';

/**
 * The kernel entry the worker threads (and the in-process executor) call: the spec's kernel is
 * generated and compiled once per spec key in each thread, then run over each job's columns.
 */
const MAX_CACHED = 256;
const cache = new Map<string, CompiledKernel>();

export function kernelFor(spec: Parameters<RunJobKernel>[0]): CompiledKernel {
  let kernel = cache.get(spec.key);
  if (kernel !== undefined) {
    cache.delete(spec.key);
    cache.set(spec.key, kernel);
    return kernel;
  }
  kernel = compileKernel(spec);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(spec.key, kernel);
  return kernel;
}

export const runJobKernel: RunJobKernel = (spec, columns) => kernelFor(spec).run(columns);

/** Partials combined past this many groups in all would cost more memory than they save time. */
const MAX_COMBINED_GROUPS = 262_144;

/**
 * The partials of one spec merged into one (undefined when the spec's partials cannot be written
 * back out — text keys, exact distinct counts, percentiles, plain rows — or are too many groups).
 */
export function combinePartials(spec: JobSpec, partials: readonly JobPartial[]): JobPartial | undefined {
  if (!spec.aggregate) return undefined;
  const keys = keyLayout(spec.groupBy, spec.physical);
  if (
    !combinable(
      keys,
      spec.aggregates.map((a) => aggLayout(a, spec.physical)),
    )
  )
    return undefined;
  const list: GroupsPartial[] = [];
  for (const p of partials as Partial[]) {
    if (p.kind === 'rows') return undefined;
    if (p.kind === 'parts') list.push(...p.partials);
    else list.push(p);
  }
  let groups = 0;
  for (const p of list) groups += p.groups;
  if (groups > MAX_COMBINED_GROUPS) return undefined;
  const merger = new GroupMerger(spec);
  for (const p of list) merger.add(p);
  return merger.toPartial();
}

export const jobGroupKernel: JobGroupKernel = {
  groupable: groupableSpec,
  run: (spec, jobs) => kernelFor(spec).runMany!(jobs),
  combine: combinePartials,
  reduce: (spec, task) => reducePartitions(spec, task as ReduceTask),
};

export const partialSize: PartialSize = estimate;
