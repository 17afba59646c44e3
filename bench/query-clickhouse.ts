import { loadClickHouse, optimizeFinal, TABLE } from './clickhouse-load.js';
import { type ClickHouse, startClickHouse } from './clickhouse-server.js';
import type { DataSet } from './store-data.js';
import { round } from './store-ingest.js';

/**
 * ClickHouse in `bench:query`: the data set in a MergeTree table (bench/clickhouse-load.ts, LZ4,
 * merged to one part per partition by OPTIMIZE FINAL), queried over HTTP with max_threads = 2.
 */
export const CLICKHOUSE_THREADS = 2;

export interface ClickHouseLoad {
  version: string;
  rows: number;
  load_seconds: number;
  optimize_seconds: number;
}

export interface ClickHouseSide {
  readonly server: ClickHouse;
  /** Runs a query under the benchmark's settings; rows of TSV fields. */
  run(sql: string): Promise<string[][]>;
}

export async function startClickHouseSide(dir: string): Promise<ClickHouseSide> {
  const server = await startClickHouse(dir, 'lz4');
  return {
    server,
    async run(sql) {
      const text = await server.query(`${sql} SETTINGS max_threads = ${CLICKHOUSE_THREADS}`);
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t'));
    },
  };
}

/** Loads the data set (when `data` is given) and returns what the table holds. */
export async function loadClickHouseSide(
  side: ClickHouseSide,
  data: DataSet,
  batchRows: number,
  log: (line: string) => void,
): Promise<ClickHouseLoad> {
  const ch = side.server;
  const load = await loadClickHouse(ch, data, batchRows, 8 * 1024 * 1024);
  log(`clickhouse: loaded ${load.rows} rows in ${load.seconds.toFixed(1)} s`);
  const optimize = await optimizeFinal(ch);
  log(`clickhouse: OPTIMIZE FINAL ${optimize.toFixed(1)} s`);
  return {
    version: (await ch.query('SELECT version()')).trim(),
    rows: Number((await ch.query(`SELECT count() FROM ${TABLE}`)).trim()),
    load_seconds: round(load.seconds),
    optimize_seconds: round(optimize),
  };
}
