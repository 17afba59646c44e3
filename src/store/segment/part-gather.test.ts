import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnBatch } from '../../flow/batch.js';
import { PartGather } from './part-gather.js';
import { testBatch, testSchema } from './test-support.js';
import type { SegmentPartInput } from './types.js';

/** The brute-force copy: each row's bytes or value, looked up one at a time. */
function expected(batch: ColumnBatch<string>, name: string, rows: Uint32Array): number[] {
  const col = testSchema.find((c) => c.name === name)!;
  const array = batch.arrays[batch.index[name]!]!;
  const width = col.type === 'addr' ? 16 : 1;
  const out: number[] = [];
  for (const r of rows) for (let k = 0; k < width; k++) out.push(array[r * width + k]!);
  return out;
}

function check(parts: SegmentPartInput[]): void {
  const gather = new PartGather(parts);
  for (const col of testSchema) {
    parts.forEach((part, p) => {
      const got = Array.from(gather.get(col.name, col.type, p));
      assert.deepEqual(got, expected(part.batch, col.name, part.rows), `${col.name} part ${p}`);
    });
    gather.drop(col.name);
  }
}

const rows = (list: number[]) => Uint32Array.from(list);
const bucket = 0;

test('parts interleaved in one batch, covering it or not, and parts of their own batches gather right', () => {
  const shared = testBatch(50);
  const own = testBatch(20);
  const other = testBatch(9);
  const evens = [...Array(25).keys()].map((i) => 2 * i);
  const odds = evens.map((i) => i + 1);
  // One batch split between two parts (every row used), in scrambled order within a part.
  check([
    { bucket, deviceId: 1, batch: shared, rows: rows(evens.reverse()) },
    { bucket, deviceId: 2, batch: shared, rows: rows(odds) },
  ]);
  // Rows left out of every part, a part that is its whole batch in order, one that is not.
  check([
    { bucket, deviceId: 1, batch: shared, rows: rows([3, 7, 8, 40]) },
    { bucket, deviceId: 2, batch: own, rows: rows([...Array(20).keys()]) },
    { bucket, deviceId: 3, batch: shared, rows: rows([0, 49]) },
    { bucket, deviceId: 4, batch: other, rows: rows([8, 0, 4]) },
    { bucket, deviceId: 5, batch: other, rows: rows([]) },
  ]);
});

test('parts that share rows of a batch are each copied on their own', () => {
  const shared = testBatch(30);
  check([
    { bucket, deviceId: 1, batch: shared, rows: rows([1, 2, 3, 4]) },
    { bucket, deviceId: 2, batch: shared, rows: rows([4, 5, 1]) },
    { bucket, deviceId: 3, batch: shared, rows: rows([6, 6, 7]) },
  ]);
});
