import { type CompiledKernel, compileKernel, groupableSpec } from './compile-kernel.js';
import type { JobGroupKernel, PartialSize, RunJobKernel } from './job-contract.js';
import { partialSize as estimate } from './partial.js';

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

export const jobGroupKernel: JobGroupKernel = {
  groupable: groupableSpec,
  run: (spec, jobs) => kernelFor(spec).runMany!(jobs),
};

export const partialSize: PartialSize = estimate;
