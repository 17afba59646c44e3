import { performance } from 'node:perf_hooks';

/**
 * `load()` at most once per `maxAgeMs`: every series of one /proc file reads the same text
 * (parsed once) within one export round, instead of one read per series. A failed load is cached
 * too and rethrown, so the function-backed metrics of that round read NaN.
 */
export function cachedLoad<T>(
  load: () => T,
  maxAgeMs: number,
  now: () => number = () => performance.now(),
): () => T {
  let loadedAt = Number.NEGATIVE_INFINITY;
  let value: T | undefined;
  let failure: { error: unknown } | undefined;
  return () => {
    const t = now();
    if (t - loadedAt >= maxAgeMs || t < loadedAt) {
      loadedAt = t;
      try {
        value = load();
        failure = undefined;
      } catch (error) {
        failure = { error };
      }
    }
    if (failure !== undefined) throw failure.error;
    return value as T;
  };
}
