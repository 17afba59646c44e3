import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { FlowBatch } from '../../src/flow/batch.js';
import type { Metric } from '../../src/metrics/metric.js';
import { Registry } from '../../src/metrics/registry.js';
import { createQueryEngine } from '../../src/query/engine.js';
import type { ExecuteOptions, JobExecutor, JobSpec } from '../../src/query/exec/job-contract.js';
import { createQueryRuntime } from '../../src/query/runtime/index.js';
import type { QueryLimitsConfig } from '../../src/query/runtime/query-limits.js';
import type { ScanJob, StorageBackend } from '../../src/store/backend.js';
import { ManualClock } from './manual-clock.js';

/** The series of `name` with exactly `tags`; fails the test when it is not registered. */
export function series(registry: Registry, name: string, tags: Record<string, string> = {}): Metric {
  const family = registry.families().find((f) => f.name === name);
  assert.ok(family !== undefined, `${name} is registered`);
  const key = (t: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(t).sort());
  const found = family.series.find((s) => key(s.tags) === key(tags));
  assert.ok(found !== undefined, `${name}${key(tags)} is registered`);
  return found;
}

/** A counter's or histogram's or timer's count, or a gauge's value. */
export function read(registry: Registry, name: string, tags: Record<string, string> = {}): number {
  const s = series(registry, name, tags);
  return 'count' in s ? s.count : s.value;
}

/** How many times a query stage was timed. */
export function stage(registry: Registry, name: string): number {
  return read(registry, 'flowlens_query_stage_seconds', { stage: name });
}

/** The (minute, device) cells holding rows: one job each once sealed (one segment per minute). */
export function cells(batch: FlowBatch): Set<string> {
  const out = new Set<string>();
  const time = batch.arrays[batch.index.i_start_time]!;
  const device = batch.arrays[batch.index.i_device_id]!;
  for (let row = 0; row < batch.length; row++) out.add(`${time[row]}/${device[row]}`);
  return out;
}

export const unlimited: QueryLimitsConfig = {
  queryRate: 1e9,
  queryBurst: 1e9,
  maxConcurrentQueries: 1e9,
  maxRowsScanned: 1e12,
  queryTimeoutMs: 0,
};

/**
 * The server's engine as serverQueryEngine builds it (engine over the runtime's two worker
 * threads, memo and limits), with a fresh registry and a clock that moves only when told.
 */
export function instrumentedEngine(
  t: TestContext,
  backend: StorageBackend,
  config: Partial<QueryLimitsConfig> = {},
  wrap?: (executor: JobExecutor) => JobExecutor,
) {
  const metrics = new Registry();
  const clock = new ManualClock();
  const limits = { ...unlimited, ...config };
  const runtime = createQueryRuntime(
    { backend, clock, metrics },
    { queryWorkers: 2, memoBytes: 64 << 20, ...limits },
  );
  t.after(() => runtime.stop());
  const engine = createQueryEngine({
    backend,
    executor: wrap === undefined ? runtime.executor : wrap(runtime.executor),
    limits: runtime.limits,
    queryTimeoutMs: limits.queryTimeoutMs,
    metrics,
  });
  return { engine, metrics, clock, runtime };
}

/** An executor whose queries never finish on their own: they wait until their signal aborts. */
export class StuckExecutor implements JobExecutor {
  private waiting: (() => void)[] = [];

  /** Resolves when the next query reaches the executor. */
  reached(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  execute(_spec: JobSpec, _jobs: readonly ScanJob[], options: ExecuteOptions): Promise<never> {
    for (const resolve of this.waiting.splice(0)) resolve();
    return new Promise<never>((_, reject) => {
      const signal = options.signal;
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}
