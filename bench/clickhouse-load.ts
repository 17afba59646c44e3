import { createFlowBatch } from '../src/flow/batch.js';
import { encodeRowBinary } from './clickhouse-rowbinary.js';
import type { ClickHouse } from './clickhouse-server.js';
import { standardColumns } from './store-columns.js';
import type { DataSet } from './store-data.js';

/**
 * Loads the benchmark data set into a MergeTree table over HTTP (RowBinary), merges it with
 * OPTIMIZE FINAL and reads back what it takes on disk, per column and in total.
 */
export const TABLE = 'flows';

export function createTableSql(): string {
  const cols = standardColumns.map((c) => `${c.name} ${c.ch}`).join(', ');
  // The same bucketing as the flowlens store: device, then minute.
  return (
    `CREATE TABLE ${TABLE} (${cols}) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(i_start_time) ` +
    'ORDER BY (i_device_id, i_start_time) SETTINGS index_granularity = 8192'
  );
}

export interface LoadResult {
  rows: number;
  seconds: number;
  rows_per_sec: number;
  /** Seconds spent generating the data set (included in `seconds`). */
  generate_seconds: number;
}

export async function loadClickHouse(
  ch: ClickHouse,
  data: DataSet,
  batchRows: number,
  rowsPerInsert: number,
): Promise<LoadResult> {
  await ch.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await ch.query(createTableSql());
  const batch = createFlowBatch(batchRows);
  const started = performance.now();
  let generate = 0;
  let rows = 0;
  const names = standardColumns.map((c) => c.name).join(', ');
  while (!data.done) {
    const insert = ch.insert(`INSERT INTO ${TABLE} (${names}) FORMAT RowBinary`);
    let inThis = 0;
    while (!data.done && inThis < rowsPerInsert) {
      const t = performance.now();
      const n = data.fill(batch, batchRows);
      generate += performance.now() - t;
      await insert.write(encodeRowBinary(batch));
      inThis += n;
    }
    await insert.end();
    rows += inThis;
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows, seconds, rows_per_sec: Math.round(rows / seconds), generate_seconds: generate / 1000 };
}

async function waitForMerges(ch: ClickHouse): Promise<void> {
  for (;;) {
    const running = Number(
      (await ch.query(`SELECT count() FROM system.merges WHERE table = '${TABLE}'`)).trim(),
    );
    if (running === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * OPTIMIZE FINAL until every partition is one part (a merge already running makes OPTIMIZE a
 * no-op, so wait for background merges first). FINAL rewrites even a single part, so this also
 * recompresses everything with the server's current compression settings. Returns seconds.
 */
export async function optimizeFinal(ch: ClickHouse): Promise<number> {
  const started = performance.now();
  for (let attempt = 0; attempt < 5; attempt++) {
    await waitForMerges(ch);
    await ch.query(`OPTIMIZE TABLE ${TABLE} FINAL`);
    const parts = await ch.query(
      `SELECT partition, count() FROM system.parts WHERE table = '${TABLE}' AND active GROUP BY partition HAVING count() > 1`,
    );
    if (parts.trim() === '') break;
  }
  return (performance.now() - started) / 1000;
}

export interface ClickHouseSize {
  rows: number;
  parts: number;
  /** Every active part's bytes on disk: columns, marks, primary index, checksums. */
  bytes_on_disk: number;
  /** Compressed bytes of the standard columns (system.columns). */
  column_bytes: number;
  column_bytes_uncompressed: number;
  per_column: Record<string, number>;
}

export async function measureClickHouse(ch: ClickHouse): Promise<ClickHouseSize> {
  const parts = (
    await ch.query(
      `SELECT count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE table = '${TABLE}' AND active`,
    )
  )
    .trim()
    .split('\t')
    .map(Number);
  const columns = await ch.query(
    `SELECT name, data_compressed_bytes, data_uncompressed_bytes FROM system.columns WHERE database = currentDatabase() AND table = '${TABLE}'`,
  );
  const perColumn: Record<string, number> = {};
  let compressed = 0;
  let uncompressed = 0;
  for (const line of columns.trim().split('\n')) {
    const [name, c, u] = line.split('\t');
    perColumn[name!] = Number(c);
    compressed += Number(c);
    uncompressed += Number(u);
  }
  return {
    rows: parts[1]!,
    parts: parts[0]!,
    bytes_on_disk: parts[2]!,
    column_bytes: compressed,
    column_bytes_uncompressed: uncompressed,
    per_column: perColumn,
  };
}
