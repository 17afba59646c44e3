import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeIPv4 } from './addr.js';
import { createFlowBatch, F } from './batch.js';
import { flowColumns } from './schema.js';

test('every schema column gets an array and names are unique', () => {
  const b = createFlowBatch(16);
  assert.equal(b.arrays.length, flowColumns.length);
  assert.equal(new Set(flowColumns.map((c) => c.name)).size, flowColumns.length);
});

test('grows geometrically and keeps rows', () => {
  const b = createFlowBatch(16);
  b.reserve(10);
  b.touch(F.in_bytes);
  (b.arrays[F.in_bytes] as Float64Array)[9] = 42;
  b.length = 10;
  b.reserve(100);
  assert.equal(b.capacity, 128);
  assert.equal((b.arrays[F.in_bytes] as Float64Array)[9], 42);
});

test('clear and truncate restore the all-zero invariant beyond length', () => {
  const b = createFlowBatch(16);
  b.reserve(3);
  b.touchAll([F.src_addr, F.in_pkts]);
  for (let r = 0; r < 3; r++) {
    writeIPv4(b.arrays[F.src_addr] as Uint8Array, r, 0x0a000001 + r);
    (b.arrays[F.in_pkts] as Float64Array)[r] = r + 1;
  }
  b.length = 3;
  b.setString('i_device_name', 0, 'r1');
  b.truncate(1);
  assert.equal((b.arrays[F.in_pkts] as Float64Array)[1], 0);
  assert.ok((b.arrays[F.src_addr] as Uint8Array).subarray(16).every((x) => x === 0));
  assert.equal(b.rowObject(0).src_addr, '10.0.0.1');
  b.clear();
  assert.equal(b.length, 0);
  assert.equal((b.arrays[F.in_pkts] as Float64Array)[0], 0);
  assert.equal(b.getString('i_device_name', 0), '');
});
