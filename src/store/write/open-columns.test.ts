import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, F } from '../../flow/batch.js';
import { flowColumns } from '../../flow/schema.js';
import { batchSource } from '../wal/source.js';
import { CHUNK_ROWS, chunkPool } from './chunk-pool.js';
import { OpenColumns } from './open-columns.js';

/** Leaves pooled chunks full of garbage, as sealed buffers leave them. */
function dirtyPool(): void {
  for (const type of ['u32', 'u64', 'addr', 'string'] as const) {
    const chunks = Array.from({ length: 3 }, () => chunkPool.take(type));
    for (const chunk of chunks) {
      chunk.fill(0xab);
      chunkPool.give(type, chunk);
    }
  }
}

function batch(rows: number, from: number, withBytes: boolean, withAs: boolean) {
  const b = createFlowBatch(rows);
  const bytes = withBytes ? b.col('in_bytes') : undefined;
  const as = withAs ? b.col('src_as') : undefined;
  const dst = b.col('dst_addr');
  for (let r = 0; r < rows; r++) {
    if (bytes !== undefined) bytes[r] = from + r;
    if (as !== undefined) as[r] = 7;
    dst[r * 16 + 15] = 1;
  }
  b.length = rows;
  return b;
}

test('open columns over dirty pooled chunks: rows a batch lacks read as zero, whichever batch brought the column', () => {
  dirtyPool();
  const cols = new OpenColumns(flowColumns);
  // in_bytes in the first batch only; src_as only from the second on (its chunks start mid-buffer).
  const first = batch(CHUNK_ROWS - 10, 1, true, false);
  cols.appendRange(batchSource(first), 0, first.length);
  const second = batch(30, 0, false, true);
  const source = batchSource(second);
  assert.equal(source.arrays[F.in_bytes], undefined, 'the second batch does not carry in_bytes');
  cols.appendRange(source, 0, second.length);
  assert.equal(cols.length, CHUNK_ROWS + 20);
  for (let r = 0; r < cols.length; r++) {
    const firstBatch = r < first.length;
    assert.equal(cols.get(F.in_bytes, r), firstBatch ? r + 1 : 0, `in_bytes row ${r}`);
    assert.equal(cols.get(F.src_as, r), firstBatch ? 0 : 7, `src_as row ${r}`);
  }
  const asBatch = cols.asBatch();
  assert.equal(asBatch.arrays[F.in_bytes]![cols.length - 1], 0);
  assert.equal(asBatch.arrays[F.src_as]![0], 0);
});

test('open columns: rows dropped by truncate are written again by the next append', () => {
  dirtyPool();
  const cols = new OpenColumns(flowColumns);
  cols.appendRange(batchSource(batch(10, 100, true, true)), 0, 10);
  cols.truncate(4);
  cols.appendRange(batchSource(batch(3, 0, false, false)), 0, 3);
  assert.equal(cols.length, 7);
  assert.deepEqual(
    Array.from({ length: 7 }, (_, r) => [cols.get(F.in_bytes, r), cols.get(F.src_as, r)]),
    [
      [100, 7],
      [101, 7],
      [102, 7],
      [103, 7],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  );
});
