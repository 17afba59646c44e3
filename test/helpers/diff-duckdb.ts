import {
  type DuckDBAppender,
  DuckDBInstance,
  DuckDBIntervalValue,
  DuckDBTimestampValue,
  timestampValue,
} from '@duckdb/node-api';
import type { FlowBatch } from '../../src/flow/batch.js';
import { type ColumnDef, flowColumns } from '../../src/flow/schema.js';
import { addrParts, formatInet } from './diff-inet.js';

/**
 * The same flows in an in-memory DuckDB, typed so that DuckDB computes what PostgreSQL would:
 * u8 → SMALLINT, u16 → INTEGER, u32/u64 → BIGINT (as flowlens's int2/int4/int8), times →
 * TIMESTAMP (UTC), strings → VARCHAR (byte order), macaddr → BIGINT. An address column c becomes
 * c__f (family 4/6), c__n (the address as an unsigned 128-bit number, IPv4 as 32 bits) and c__h
 * (its host text, formatted by diff-inet.ts): the query generator translates inet operators to
 * arithmetic on those. Per-device tables are views t_<id>.
 */

export type DuckCell = null | boolean | number | bigint | string;

export interface DiffDuck {
  query(sql: string): Promise<{ rows: DuckCell[][] }>;
  close(): void;
}

const duckType: Record<ColumnDef['type'], string> = {
  u8: 'SMALLINT',
  u16: 'INTEGER',
  u32: 'BIGINT',
  u64: 'BIGINT',
  time: 'TIMESTAMP',
  string: 'VARCHAR',
  mac: 'BIGINT',
  addr: '',
};

export function duckColumns(): string[] {
  return flowColumns.flatMap((c) =>
    c.type === 'addr'
      ? [`${c.name}__f TINYINT`, `${c.name}__n UHUGEINT`, `${c.name}__h VARCHAR`]
      : [`${c.name} ${duckType[c.type]}`],
  );
}

export async function openDiffDuck(
  batches: readonly FlowBatch[],
  devices: readonly number[],
): Promise<DiffDuck> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE all_devices (${duckColumns().join(', ')})`);
  const appender = await connection.createAppender('all_devices');
  for (const batch of batches) appendBatch(appender, batch);
  appender.flushSync();
  appender.closeSync();
  for (const id of devices) {
    await connection.run(`CREATE VIEW t_${id} AS SELECT * FROM all_devices WHERE i_device_id = ${id}`);
  }
  return {
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return { rows: reader.getRows().map((row) => row.map(toCell)) };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function appendBatch(appender: DuckDBAppender, batch: FlowBatch): void {
  for (let row = 0; row < batch.length; row++) {
    for (let c = 0; c < flowColumns.length; c++) {
      const col = flowColumns[c]!;
      const arr = batch.arrays[c]!;
      switch (col.type) {
        case 'u8':
          appender.appendSmallInt(arr[row]!);
          break;
        case 'u16':
          appender.appendInteger(arr[row]!);
          break;
        case 'u32':
        case 'u64':
        case 'mac':
          appender.appendBigInt(BigInt(arr[row]!));
          break;
        case 'time':
          appender.appendTimestamp(timestampValue(BigInt(arr[row]!) * 1000n));
          break;
        case 'string':
          appender.appendVarchar(batch.dicts[c]!.values[arr[row]!]!);
          break;
        case 'addr': {
          const { fam, num } = addrParts(arr as Uint8Array, row * 16);
          appender.appendTinyInt(fam);
          appender.appendUHugeInt(num);
          appender.appendVarchar(formatInet(fam, num, fam === 4 ? 32 : 128, false));
          break;
        }
      }
    }
    appender.endRow();
  }
}

/** DuckDB values as plain cells: timestamps as ms, intervals as ms (a day is 24 h, a month 30 days). */
function toCell(v: unknown): DuckCell {
  if (v instanceof DuckDBTimestampValue) return Number(v.micros / 1000n);
  if (v instanceof DuckDBIntervalValue) {
    return (v.months * 30 + v.days) * 86_400_000 + Number(v.micros) / 1000;
  }
  if (
    v === null ||
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'string'
  ) {
    return v;
  }
  throw new Error(`unexpected DuckDB value ${String(v)}`);
}
