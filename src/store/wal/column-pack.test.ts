import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, F } from '../../flow/batch.js';
import { flowColumns } from '../../flow/schema.js';
import { packAddr, packNarrow } from './column-pack.js';
import { decodeRecord, encodeRecord } from './record.js';
import { batchSource } from './source.js';

const N = 1000;

function roundTrip(fill: (batch: ReturnType<typeof createFlowBatch>, r: number) => void) {
  const batch = createFlowBatch(N);
  for (let r = 0; r < N; r++) fill(batch, r);
  batch.length = N;
  const record = encodeRecord(flowColumns, batchSource(batch), 7);
  const decoded = decodeRecord(flowColumns, Buffer.concat(record.parts), 0);
  assert.ok(typeof decoded === 'object');
  return { batch, decoded, bytes: record.bytes };
}

test('record: counters, times and ports narrowed to base + offsets, read back exactly', () => {
  const T = Date.UTC(2026, 0, 5);
  const { batch, decoded, bytes } = roundTrip((b, r) => {
    b.col('i_start_time')[r] = T + r * 7;
    b.col('in_bytes')[r] = (r * 7919) % 100_000;
    b.col('in_pkts')[r] = 1 + (r % 3);
    b.col('l4_dst_port')[r] = r % 2 ? 443 : 53;
    b.col('input_port')[r] = 70_000 + r;
    b.touch(F.i_start_time);
  });
  for (const name of ['i_start_time', 'in_bytes', 'in_pkts', 'l4_dst_port', 'input_port'] as const) {
    assert.deepEqual([...decoded.arrays[F[name]]!], [...batch.col(name).subarray(0, N)], name);
  }
  // 4 + 4 + 1 + 2 + 2 bytes a row (and descriptors) instead of 8 + 8 + 8 + 2 + 4.
  assert.ok(bytes < N * 14, `${bytes} bytes`);
});

test('record: values that do not narrow (fractions, NaN, a range over 2^32) stay raw and exact', () => {
  assert.equal(packNarrow(new Float64Array([1, 2.5, 3]), 3), undefined);
  assert.equal(packNarrow(new Float64Array([1, Number.NaN, 3]), 3), undefined);
  assert.equal(packNarrow(new Float64Array([0, 2 ** 40]), 2), undefined);
  assert.equal(packNarrow(new Uint16Array([0, 40_000]), 2), undefined, 'no gain over 2 bytes');
  const { decoded } = roundTrip((b, r) => {
    b.col('in_bytes')[r] = r === 5 ? 2 ** 52 : r + 0.5;
  });
  assert.equal(decoded.arrays[F.in_bytes]![5], 2 ** 52);
  assert.equal(decoded.arrays[F.in_bytes]![6], 6.5);
});

test('record: IPv4 addresses as 4 bytes, IPv6 and zero addresses mixed in, read back exactly', () => {
  const { batch, decoded, bytes } = roundTrip((b, r) => {
    const src = b.col('src_addr');
    const dst = b.col('dst_addr');
    const at = r * 16;
    if (r % 7 === 3) {
      for (let k = 0; k < 16; k++) src[at + k] = (r * 31 + k) & 255; // IPv6
    } else if (r % 11 !== 4) {
      src[at + 10] = 0xff;
      src[at + 11] = 0xff;
      src[at + 12] = 10;
      src[at + 15] = r & 255;
    } // else all zero: no address
    dst[at + 15] = 1 + (r % 200); // ::x (IPv4-compatible)
    b.touch(F.src_addr);
    b.touch(F.dst_addr);
  });
  assert.deepEqual([...decoded.arrays[F.src_addr]!], [...batch.col('src_addr').subarray(0, N * 16)]);
  assert.deepEqual([...decoded.arrays[F.dst_addr]!], [...batch.col('dst_addr').subarray(0, N * 16)]);
  assert.ok(bytes < N * 12, `${bytes} bytes`);
  const v6 = new Uint8Array(32).fill(0x20);
  assert.equal(packAddr(v6, 2), undefined, 'mostly IPv6: kept at 16 bytes');
});
