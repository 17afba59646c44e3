import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { metricsTableSchema } from '../metrics/metrics-table.js';
import type { QueryResult } from '../query/api.js';
import { asQueryError } from '../query/errors.js';
import { serverQueryEngine } from '../server/query-engine.js';
import { createStore } from '../store/store.js';
import { openTable } from '../store/table/index.js';
import { readOnlySynthTables } from '../synth/server/results-store.js';

/** A directory that is not (yet) a flowlens data directory, or one a server is using. */
export class DataDirError extends Error {}

const CENTURY_MS = 100 * 365 * 86_400_000;
/** The longest a Node timer waits (about 24.8 days); longer ones would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one statement directly on a data directory, for when no server runs (a copied directory,
 * a stopped server, a post-mortem). The store is opened as the server opens it — under its lock,
 * so a running server's directory is refused — and replays its WAL into memory, so the unsealed
 * minutes are queried too. Nothing is sealed, compacted or expired: the grace period is a century,
 * every timer is off, and stop does not seal. What changes on disk is only what any start does
 * (a torn WAL tail from a crash is cut, a fresh WAL file is opened and emptied ones are removed).
 * The metrics table and the synthetic-monitoring results (synth_*) are read as they are
 * (read-only: a torn tail is skipped, not cut).
 */
export async function queryDataDir(
  dir: string,
  session: { user: string; tenant: string },
  sql: string,
  params: readonly string[],
): Promise<QueryResult> {
  const dataDir = resolve(dir);
  if (!existsSync(join(dataDir, 'store')))
    throw new DataDirError(`${dataDir} is not a flowlens data directory (it has no store/)`);
  // Whoever can read the directory can read its metrics table too: the session is an admin's.
  const metricsTable = await openTable(dataDir, metricsTableSchema, { log: () => {} }, { readOnly: true });
  const store = createStore(
    { log: () => {} },
    {
      dataDir,
      maintenanceIntervalMs: 0,
      retention: { days: 36_500, tenants: {}, intervalMs: 0 },
      write: { graceMs: CENTURY_MS, sealCheckMs: LONGEST_TIMER_MS, sealOnStop: false, sealInWorker: false },
    },
  );
  try {
    await store.start();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'store_locked') throw new DataDirError((err as Error).message);
    throw err;
  }
  const engine = serverQueryEngine({
    backend: store,
    metricsTable,
    tables: await readOnlySynthTables(dataDir),
  });
  try {
    return await engine.run({ ...session, admin: true, settings: new Map() }, sql, { params });
  } catch (err) {
    throw asQueryError(err);
  } finally {
    await engine.stop();
    await store.stop();
  }
}
