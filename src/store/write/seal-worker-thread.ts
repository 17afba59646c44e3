import { parentPort } from 'node:worker_threads';
import { ColumnBatch, type NumberArray, StringDict } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { writeSegment } from '../segment/index.js';
import type { SegmentPartInput } from '../segment/types.js';
import { allocate, CHUNK_ROWS } from './chunk-pool.js';
import { zeroColumn } from './open-columns.js';
import { devicePartRows } from './part-rows.js';
import type { SealRequest, SealResponse } from './seal-worker.js';
import { threadCpuMs } from './thread-cpu.js';

/**
 * The seal worker's thread: receives an open buffer's column chunks (SharedArrayBuffers, not
 * copied), groups the rows per device (one part each), runs the segment writer (encode, write
 * `<path>.tmp`, fsync, rename to `path`) and answers with the segment's meta. See ./seal-worker.ts.
 */
function batchOf(request: SealRequest): ColumnBatch<string> {
  const n = request.rows;
  const batch = new ColumnBatch<string>(request.schema, 16);
  for (let i = 0; i < request.schema.length; i++) {
    const type = request.schema[i]!.type;
    const chunks = request.columns[i];
    // Columns no row wrote share one zero array per type: the writer checks it for zeros once.
    if (chunks === undefined || chunks.length === 0) batch.arrays[i] = zeroColumn(type, n);
    else if (n <= CHUNK_ROWS) batch.arrays[i] = chunks[0]!.subarray(0, n * (type === 'addr' ? 16 : 1));
    else batch.arrays[i] = concat(type === 'addr' ? 16 : 1, reused(i, type, n), chunks, n);
    const values = request.dicts[i];
    if (values !== undefined) {
      const dict = new StringDict();
      dict.values = values.slice();
      batch.dicts[i] = dict;
    }
  }
  batch.capacity = Math.max(n, 16);
  batch.length = n;
  return batch;
}

/**
 * Memory for the concatenated columns, per column, kept from one seal to the next (the worker
 * seals one buffer at a time): fresh arrays cost page faults and, being large, full collections.
 */
const scratch: ArrayBuffer[] = [];

function reused(column: number, type: ColumnType, rows: number): NumberArray {
  const bytes = rows * BYTES[type];
  let buffer = scratch[column];
  if (buffer === undefined || buffer.byteLength < bytes) {
    buffer = new ArrayBuffer(Math.max(bytes, (buffer?.byteLength ?? 0) * 2));
    scratch[column] = buffer;
  }
  const view = allocate(type, 0);
  const Ctor = view.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => NumberArray;
  return new Ctor(buffer, 0, (type === 'addr' ? 16 : 1) * rows);
}

const BYTES: Record<ColumnType, number> = {
  u8: 1,
  addr: 16,
  u16: 2,
  u32: 4,
  string: 4,
  u64: 8,
  time: 8,
  mac: 8,
};

function concat(width: number, out: NumberArray, chunks: readonly NumberArray[], n: number): NumberArray {
  for (let c = 0; c < chunks.length; c++) {
    const rows = Math.min(CHUNK_ROWS, n - c * CHUNK_ROWS);
    if (rows > 0) out.set(chunks[c]!.subarray(0, rows * width) as never, c * CHUNK_ROWS * width);
  }
  return out;
}

async function handle(request: SealRequest): Promise<SealResponse> {
  const cpu0 = threadCpuMs();
  const cpuMs = () => threadCpuMs() - cpu0;
  try {
    const batch = batchOf(request);
    const parts: SegmentPartInput[] = devicePartRows(batch.arrays[request.deviceColumn], request.rows).map(
      ({ deviceId, rows }) => ({ bucket: request.bucket, deviceId, batch, rows }),
    );
    const meta = await writeSegment(request.path, request.header, request.schema, parts);
    return { id: request.id, cpuMs: cpuMs(), meta };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      id: request.id,
      cpuMs: cpuMs(),
      error: { message: e.message ?? String(err), code: e.code, stack: e.stack },
    };
  }
}

parentPort?.on('message', (request: SealRequest) => {
  void handle(request).then((response) => parentPort!.postMessage(response));
});
