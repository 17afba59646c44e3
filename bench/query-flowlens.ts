import type { QueryResult, QuerySession } from '../src/query/api.js';
import { createQueryEngine } from '../src/query/engine.js';
import { createQueryRuntime, type QueryRuntime } from '../src/query/runtime/index.js';
import { defaultServerConfig } from '../src/server/config.js';
import { defaultCompactionConfig } from '../src/store/compact/compactor.js';
import { defaultRetentionConfig } from '../src/store/retention.js';
import { defaultRollupConfig } from '../src/store/rollup/builder.js';
import { createStore, type EmbeddedStore } from '../src/store/store.js';
import type { DataSet } from './store-data.js';
import { type IngestResult, ingest, round, TENANT, type VirtualClock } from './store-ingest.js';

/**
 * flowlens in `bench:query`: the data set ingested into an EmbeddedStore on disk (virtual clock
 * following the flows), then the clock moved past the last hour by the compaction delay so one
 * maintenance run compacts every hour and builds every hourly rollup, as a live server's timer
 * would have by then. Queries go through the real engine and query runtime (worker pool, memo),
 * composed as src/server/query-engine.ts does.
 */
const HOUR = 3_600_000;

export interface FlowlensLoad {
  ingest: IngestResult;
  maintenance: { seconds: number; hours_compacted: number; rollup_hours: number; files_replaced: number };
}

export interface Flowlens {
  readonly store: EmbeddedStore;
  readonly runtime: QueryRuntime;
  run(sql: string): Promise<QueryResult>;
  stop(): Promise<void>;
}

/** The time at which maintenance has compacted and rolled up every hour up to `lastFlow`. */
export function settledTime(lastFlow: number): number {
  const lastHourEnd = Math.floor(lastFlow / HOUR) * HOUR + HOUR;
  return lastHourEnd + Math.max(defaultCompactionConfig.hourlyAfterMs, defaultRollupConfig.delayMs) + 60_000;
}

/**
 * The range the benchmark's queries cover: the whole set in whole hours, [first minute, end of the
 * last flow's hour), and the last flow's receive time.
 */
export function queryRange(data: DataSet): { from: number; to: number; lastFlow: number } {
  const lastFlow = data.receiveTime(data.config.flows - 1);
  return { from: data.config.startMs, to: Math.ceil((lastFlow + 1) / HOUR) * HOUR, lastFlow };
}

/** The benchmark's store over `dir`, maintenance and retention left to explicit calls. */
export function openStore(dir: string, clock: VirtualClock, log: (line: string) => void): EmbeddedStore {
  return createStore(
    { now: () => clock.now, log },
    { dataDir: dir, maintenanceIntervalMs: 0, retention: { ...defaultRetentionConfig, intervalMs: 0 } },
  );
}

export async function loadFlowlens(
  dir: string,
  data: DataSet,
  batchRows: number,
  log: (line: string) => void,
): Promise<FlowlensLoad> {
  const clock: VirtualClock = { now: data.config.startMs };
  const store = openStore(dir, clock, log);
  await store.start();
  try {
    const ingested = await ingest(store, data, clock, batchRows, (n) => log(`flowlens: ingested ${n} flows`));
    log(`flowlens: ingest ${ingested.flows_per_sec} flows/s`);
    clock.now = settledTime(data.receiveTime(data.produced - 1));
    const started = performance.now();
    await store.maintain();
    const m = store.stats().maintenance;
    const maintenance = {
      seconds: round((performance.now() - started) / 1000),
      hours_compacted: m.hoursCompacted,
      rollup_hours: m.rollupHours,
      files_replaced: m.filesReplaced,
    };
    log(`flowlens: maintenance ${JSON.stringify(maintenance)}`);
    return { ingest: ingested, maintenance };
  } finally {
    await store.stop();
  }
}

/** Opens the loaded store with the query engine over a runtime of `workers` threads. */
export async function openFlowlens(
  dir: string,
  now: number,
  workers: number,
  log: (line: string) => void,
): Promise<Flowlens> {
  const store = openStore(dir, { now }, log);
  await store.start();
  const c = defaultServerConfig;
  const runtime = createQueryRuntime(
    { backend: store },
    {
      queryWorkers: workers,
      memoBytes: c.memoBytes,
      queryRate: c.queryRate,
      queryBurst: c.queryBurst,
      maxConcurrentQueries: c.maxConcurrentQueries,
      maxRowsScanned: c.maxRowsScanned,
      queryTimeoutMs: c.queryTimeoutMs,
    },
  );
  const engine = createQueryEngine({ backend: store, executor: runtime.executor, now: () => now });
  const session: QuerySession = { user: 'bench', tenant: TENANT, settings: new Map() };
  return {
    store,
    runtime,
    run: (sql) => engine.run(session, sql),
    async stop() {
      await runtime.stop();
      await store.stop();
    },
  };
}
