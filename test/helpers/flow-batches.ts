import assert from 'node:assert/strict';
import { createFlowBatch, type FlowBatch } from '../../src/flow/batch.js';
import { flowColumns } from '../../src/flow/schema.js';
import { Random } from '../../src/ingest/export/random.js';

/** Random flow batches for the format's tests, and a cell-by-cell comparison (the oracle). */

const maxOf = { u8: 0xff, u16: 0xffff, u32: 0xffff_ffff } as const;

/** A value for a cell, biased towards edges (0, max) so that every width and limit is exercised. */
function randomNumber(rng: Random, type: string): number {
  const edge = rng.int(8);
  switch (type) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const max = maxOf[type];
      return edge === 0 ? 0 : edge === 1 ? max : rng.int(max + 1);
    }
    case 'u64':
      return edge === 0
        ? 0
        : edge === 1
          ? Number.MAX_SAFE_INTEGER
          : rng.int(2 ** 30) * 2 ** 20 + rng.int(2 ** 20);
    case 'time':
      return edge === 0 ? 0 : 1_600_000_000_000 + rng.int(2 ** 31) * 1000 + rng.int(1000);
    case 'mac':
      return edge === 0 ? 0 : edge === 1 ? 2 ** 48 - 1 : rng.int(2 ** 24) * 2 ** 24 + rng.int(2 ** 24);
    default:
      throw new Error(type);
  }
}

const alphabet = ['a', 'b', 'é', 'ß', '東', '京', '🙂', '.', '/', ' ', '%', '"', '\\'];

function randomString(rng: Random, distinct: number): string {
  if (rng.int(6) === 0) return '';
  const n = rng.int(distinct);
  let s = `v${n}-`;
  const len = n % 7;
  for (let i = 0; i < len; i++) s += alphabet[(n * 31 + i * 7) % alphabet.length];
  return s;
}

/**
 * `rows` random rows; each column is left all-zero with probability 1/4 (so that omitted columns
 * are exercised) and each cell zero with probability about 1/8. String columns draw from
 * `distinct` values, which decides the code width (1, 2 or 4 bytes).
 */
export function randomFlowBatch(seed: number, rows: number, distinct = 40): FlowBatch {
  const rng = new Random(seed);
  const batch = createFlowBatch(rows);
  batch.length = rows;
  for (let i = 0; i < flowColumns.length; i++) {
    if (rng.int(4) === 0) continue;
    const col = flowColumns[i]!;
    const arr = batch.arrays[i]!;
    batch.touch(i);
    for (let r = 0; r < rows; r++) {
      if (rng.int(8) === 0) continue;
      if (col.type === 'string') arr[r] = batch.dicts[i]!.code(randomString(rng, distinct));
      else if (col.type === 'addr') {
        const v4 = rng.int(2) === 0;
        if (v4) {
          arr[r * 16 + 10] = 0xff;
          arr[r * 16 + 11] = 0xff;
        }
        for (let b = v4 ? 12 : 0; b < 16; b++) arr[r * 16 + b] = rng.int(256);
      } else arr[r] = randomNumber(rng, col.type);
    }
  }
  return batch;
}

/** A cell as a comparable value: numbers, strings through the dictionary, addresses as hex. */
export function cell(batch: FlowBatch, column: number, row: number): number | string {
  const col = flowColumns[column]!;
  const arr = batch.arrays[column]!;
  if (col.type === 'string') return batch.dicts[column]!.values[arr[row]!]!;
  if (col.type === 'addr') return Buffer.from(arr.buffer, arr.byteOffset + row * 16, 16).toString('hex');
  return arr[row]!;
}

/** Asserts that `actual` rows [0, n) equal `expected` rows [from, from + n), every column. */
export function assertSameRows(
  actual: FlowBatch,
  expected: FlowBatch,
  from = 0,
  n = expected.length - from,
): void {
  assert.equal(actual.length, n, 'row count');
  for (let c = 0; c < flowColumns.length; c++)
    for (let r = 0; r < n; r++) {
      const a = cell(actual, c, r);
      const e = cell(expected, c, from + r);
      if (a !== e) assert.fail(`row ${r} column ${flowColumns[c]!.name}: ${a} !== ${e}`);
    }
}
