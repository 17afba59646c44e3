import { Registry } from '../metrics/registry.js';
import type { QueryEngine } from '../query/api.js';
import { createQueryEngine, type EngineStats, type EngineTable } from '../query/engine.js';
import { createQueryRuntime } from '../query/runtime/index.js';
import type { TableSource } from '../query/table-query.js';
import type { StorageBackend } from '../store/backend.js';
import { defaultServerConfig, type ServerConfig } from './config.js';

export interface ServerQueryEngineDeps {
  readonly backend: StorageBackend;
  /** The query keys of the server config (workers, memo, limits); defaults for what is absent. */
  readonly config?: Partial<ServerConfig> | undefined;
  /** The process's metrics registry (docs/metrics.md); a throwaway one if absent. */
  readonly metrics?: Registry | undefined;
  /** The `metrics` table's rows (src/server/metrics-store.ts); an empty table if absent. */
  readonly metricsTable?: TableSource | undefined;
  /** More table-store tables (the synth_* results, src/synth/tables.ts). */
  readonly tables?: readonly EngineTable[] | undefined;
}

/** The engine's and its runtime's counters, for the status endpoint. */
export interface ServerQueryEngineStats extends EngineStats {
  readonly workers: {
    size: number;
    live: number;
    busy: number;
    queued: number;
    jobsRun: number;
    crashes: number;
  };
  readonly memo: { hits: number; misses: number; evictions: number; bytes: number; entries: number };
  readonly limits: { refused: { rate: number; concurrency: number; rows: number }; timeouts: number };
}

export interface ServerQueryEngine extends QueryEngine {
  stats(): ServerQueryEngineStats;
  /** Ends the worker threads (running queries fail with 57P01). */
  stop(): Promise<void>;
}

/**
 * The query engine the server's frontends (and `flowlens query --data`) share: the engine over a
 * store, its jobs run on the worker pool of the query runtime (one thread per core by default,
 * started with the first job, with the memo of sealed-minute results), each flows query under the
 * runtime's per-tenant limits. `stop` ends the workers.
 */
export function serverQueryEngine(deps: ServerQueryEngineDeps): ServerQueryEngine {
  const c = { ...defaultServerConfig, ...deps.config };
  const metrics = deps.metrics ?? new Registry();
  const runtime = createQueryRuntime(
    { backend: deps.backend, metrics },
    {
      queryWorkers: c.queryWorkers,
      memoBytes: c.memoBytes,
      queryRate: c.queryRate,
      queryBurst: c.queryBurst,
      maxConcurrentQueries: c.maxConcurrentQueries,
      maxRowsScanned: c.maxRowsScanned,
      queryTimeoutMs: c.queryTimeoutMs,
    },
  );
  const engine = createQueryEngine({
    backend: deps.backend,
    executor: runtime.executor,
    limits: runtime.limits,
    queryTimeoutMs: c.queryTimeoutMs,
    metrics,
    metricsTable: deps.metricsTable,
    tables: deps.tables,
    metricsMaxRowsScanned: c.maxRowsScanned,
  });
  const { pool, memo, limits } = runtime;
  return {
    split: (sql) => engine.split(sql),
    describe: (session, sql, paramTypes) => engine.describe(session, sql, paramTypes),
    run: (session, sql, options) => engine.run(session, sql, options),
    stats: () => ({
      ...engine.stats(),
      errors: { ...engine.stats().errors },
      workers: {
        size: pool.size,
        live: pool.workers,
        busy: pool.busyWorkers,
        queued: pool.queueDepth,
        jobsRun: pool.jobsRun,
        crashes: pool.workerCrashes,
      },
      memo: {
        hits: memo.hits,
        misses: memo.misses,
        evictions: memo.evictions,
        bytes: memo.bytes,
        entries: memo.size,
      },
      limits: { refused: { ...limits.refused }, timeouts: limits.timeouts },
    }),
    stop: () => runtime.stop(),
  };
}
