import {
  type ClickHouseSize,
  loadClickHouse,
  measureClickHouse,
  optimizeFinal,
  TABLE,
} from './clickhouse-load.js';
import { type ClickHouse, startClickHouse } from './clickhouse-server.js';
import type { DataSet } from './store-data.js';
import { round } from './store-ingest.js';

/**
 * The ClickHouse side of the density comparison. The same data set (same seed) is loaded into a
 * MergeTree table of a clickhouse-server started here, with its default compression (LZ4), then
 * OPTIMIZE FINAL merges it into one part per partition and the sizes are read from system.parts
 * and system.columns. Then the server is restarted with ZSTD as its compression method and
 * OPTIMIZE FINAL rewrites the part, for a second figure with the codec flowlens uses.
 */
export interface ClickHouseResult {
  version: string;
  table: string;
  load: { rows: number; seconds: number; rows_per_sec: number; generate_seconds: number };
  in_bytes_sum: number;
  lz4: ClickHouseSize & { optimize_seconds: number };
  zstd?: ClickHouseSize & { optimize_seconds: number };
}

export async function clickhouseDensity(
  dir: string,
  data: DataSet,
  batchRows: number,
  zstd: boolean,
  progress: (line: string) => void,
): Promise<ClickHouseResult> {
  let ch: ClickHouse | undefined = await startClickHouse(dir, 'lz4');
  try {
    progress(`clickhouse: started, pid ${ch.pid}, http port ${ch.httpPort}`);
    const version = (await ch.query('SELECT version()')).trim();
    const load = await loadClickHouse(ch, data, batchRows, 8 * 1024 * 1024);
    progress(`clickhouse: loaded ${load.rows} rows in ${load.seconds.toFixed(1)} s`);
    const lz4Optimize = await optimizeFinal(ch);
    const lz4 = { ...(await measureClickHouse(ch)), optimize_seconds: round(lz4Optimize) };
    const inBytes = Number((await ch.query(`SELECT sum(in_bytes) FROM ${TABLE}`)).trim());
    const table = (await ch.query(`SHOW CREATE TABLE ${TABLE}`)).trim().replace(/\\n/g, ' ');
    progress(`clickhouse: LZ4 ${(lz4.column_bytes / lz4.rows).toFixed(2)} B/flow`);
    const result: ClickHouseResult = {
      version,
      table,
      load: { ...load, seconds: round(load.seconds), generate_seconds: round(load.generate_seconds) },
      in_bytes_sum: inBytes,
      lz4,
    };
    if (zstd) {
      await ch.stop();
      ch = undefined;
      ch = await startClickHouse(dir, 'zstd');
      const zstdOptimize = await optimizeFinal(ch);
      result.zstd = { ...(await measureClickHouse(ch)), optimize_seconds: round(zstdOptimize) };
      progress(`clickhouse: ZSTD ${(result.zstd.column_bytes / result.zstd.rows).toFixed(2)} B/flow`);
    }
    return result;
  } finally {
    await ch?.stop();
  }
}
