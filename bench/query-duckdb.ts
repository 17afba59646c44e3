import { DuckDBInstance } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { createFlowBatch, type FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import { standardColumns } from './store-columns.js';
import type { DataSet } from './store-data.js';

/**
 * DuckDB beside flowlens in `bench:query`: the same data set loaded into a table of a DuckDB
 * database file (2 threads), in the closest compact types (addresses as UHUGEINT, the 16 bytes
 * read as one big-endian number; times as TIMESTAMP). Rows go in through the C appender a whole
 * vector at a time: each column's bytes are copied into the chunk's vector, no per-value calls.
 */
const duckType: Record<string, { sql: string; type: duckdb.Type; width: number }> = {
  u8: { sql: 'UTINYINT', type: duckdb.Type.UTINYINT, width: 1 },
  u16: { sql: 'USMALLINT', type: duckdb.Type.USMALLINT, width: 2 },
  u32: { sql: 'UINTEGER', type: duckdb.Type.UINTEGER, width: 4 },
  u64: { sql: 'UBIGINT', type: duckdb.Type.UBIGINT, width: 8 },
  time: { sql: 'TIMESTAMP', type: duckdb.Type.TIMESTAMP, width: 8 },
  addr: { sql: 'UHUGEINT', type: duckdb.Type.UHUGEINT, width: 16 },
};

const columns = standardColumns.map(({ name }) => {
  const def = flowColumns.find((c) => c.name === name)!;
  // flow_start_time / flow_end_time are kept as UBIGINT milliseconds, as in ClickHouse.
  const kind = def.type === 'time' && name !== 'i_start_time' ? 'u64' : def.type;
  return { name, kind, ...duckType[kind]! };
});

export interface DuckDb {
  readonly instance: DuckDBInstance;
  query(sql: string): Promise<unknown[][]>;
  close(): void;
}

export async function openDuckDb(path: string, threads: number): Promise<DuckDb> {
  const instance = await DuckDBInstance.create(path, { threads: String(threads) });
  const connection = await instance.connect();
  return {
    instance,
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRows() as unknown[][];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export async function loadDuckDb(
  db: DuckDb,
  data: DataSet,
  batchRows: number,
): Promise<{ rows: number; seconds: number }> {
  await db.query(`CREATE TABLE flows (${columns.map((c) => `${c.name} ${c.sql}`).join(', ')})`);
  const connection = await db.instance.connect();
  const appender = await connection.createAppender('flows');
  const handle = (appender as unknown as { appender: duckdb.Appender }).appender;
  const vectorRows = duckdb.vector_size();
  const chunk = duckdb.create_data_chunk(columns.map((c) => duckdb.create_logical_type(c.type)));
  const scratch = columns.map((c) => new ArrayBuffer(vectorRows * c.width));
  const batch = createFlowBatch(batchRows);
  const started = performance.now();
  let rows = 0;
  while (!data.done) {
    const n = data.fill(batch, batchRows);
    for (let start = 0; start < n; start += vectorRows) {
      const count = Math.min(vectorRows, n - start);
      duckdb.data_chunk_reset(chunk);
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c]!;
        fillVector(batch, col.name, col.kind, start, count, scratch[c]!);
        const vector = duckdb.data_chunk_get_vector(chunk, c);
        duckdb.copy_data_to_vector(vector, 0, scratch[c]!, 0, count * col.width);
      }
      duckdb.data_chunk_set_size(chunk, count);
      duckdb.append_data_chunk(handle, chunk);
    }
    rows += n;
  }
  appender.flushSync();
  appender.closeSync();
  connection.closeSync();
  await db.query('CHECKPOINT');
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** One column's rows [start, start + count) in DuckDB's in-memory layout (little-endian). */
function fillVector(
  batch: FlowBatch,
  name: string,
  kind: string,
  start: number,
  count: number,
  out: ArrayBuffer,
): void {
  const src = batch.arrays[batch.index[name as keyof typeof batch.index]]!;
  switch (kind) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const width = (src as Uint8Array).BYTES_PER_ELEMENT;
      new Uint8Array(out).set(new Uint8Array(src.buffer, src.byteOffset + start * width, count * width));
      return;
    }
    case 'u64':
    case 'time': {
      const f = src as Float64Array;
      const words = new Uint32Array(out);
      const scale = kind === 'time' ? 1000 : 1; // TIMESTAMP counts microseconds
      for (let i = 0; i < count; i++) {
        const v = f[start + i]! * scale;
        words[2 * i] = v % 0x1_0000_0000;
        words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
      }
      return;
    }
    case 'addr': {
      const bytes = src as Uint8Array;
      const dst = new Uint8Array(out);
      for (let i = 0; i < count; i++) {
        const s = (start + i) * 16;
        for (let k = 0; k < 16; k++) dst[i * 16 + k] = bytes[s + 15 - k]!;
      }
      return;
    }
    default:
      throw new Error(`no DuckDB layout for ${kind}`);
  }
}

/** A UHUGEINT read back from DuckDB as the address text flowlens prints. */
export function uhugeintToAddress(value: bigint): string {
  const bytes = new Uint8Array(16);
  let v = value;
  for (let k = 15; k >= 0; k--) {
    bytes[k] = Number(v & 0xffn);
    v >>= 8n;
  }
  const mapped = bytes.subarray(0, 12).every((b, i) => b === (i >= 10 ? 0xff : 0));
  if (mapped) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: string[] = [];
  for (let k = 0; k < 16; k += 2) groups.push(((bytes[k]! << 8) | bytes[k + 1]!).toString(16));
  return groups.join(':');
}
