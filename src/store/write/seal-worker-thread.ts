import { parentPort } from 'node:worker_threads';
import { ColumnBatch, type NumberArray, StringDict } from '../../flow/batch.js';
import { writeSegment } from '../segment/index.js';
import type { SegmentPartInput } from '../segment/types.js';
import { allocate, CHUNK_ROWS } from './chunk-pool.js';
import { zeroColumn } from './open-columns.js';
import type { SealRequest, SealResponse } from './seal-worker.js';

/**
 * The seal worker's thread: receives an open buffer's column chunks (SharedArrayBuffers, not
 * copied) and per-device row lists, runs the segment writer (encode, write `<path>.tmp`, fsync,
 * rename to `path`) and answers with the segment's meta. See ./seal-worker.ts.
 */
function batchOf(request: SealRequest): ColumnBatch<string> {
  const n = request.rows;
  const batch = new ColumnBatch<string>(request.schema, 16);
  for (let i = 0; i < request.schema.length; i++) {
    const type = request.schema[i]!.type;
    const chunks = request.columns[i];
    // Columns no row wrote share one zero array per type: the writer checks it for zeros once.
    if (chunks === undefined || chunks.length === 0) batch.arrays[i] = zeroColumn(type, n);
    else if (n <= CHUNK_ROWS) batch.arrays[i] = chunks[0]!;
    else batch.arrays[i] = concat(type === 'addr' ? 16 : 1, allocate(type, n), chunks, n);
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

function concat(width: number, out: NumberArray, chunks: readonly NumberArray[], n: number): NumberArray {
  for (let c = 0; c < chunks.length; c++) {
    const rows = Math.min(CHUNK_ROWS, n - c * CHUNK_ROWS);
    if (rows > 0) out.set(chunks[c]!.subarray(0, rows * width) as never, c * CHUNK_ROWS * width);
  }
  return out;
}

async function handle(request: SealRequest): Promise<SealResponse> {
  try {
    const batch = batchOf(request);
    const parts: SegmentPartInput[] = request.parts.map((p) => ({ ...p, batch }));
    const meta = await writeSegment(request.path, request.header, request.schema, parts);
    return { id: request.id, meta };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { id: request.id, error: { message: e.message ?? String(err), code: e.code, stack: e.stack } };
  }
}

parentPort?.on('message', (request: SealRequest) => {
  void handle(request).then((response) => parentPort!.postMessage(response));
});
