import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch } from './batch.js';
import { appendRowObject, RowObjectError } from './row-object.js';

test('rowObject output appends back to the same row', () => {
  const src = createFlowBatch();
  const row = {
    i_start_time: '2026-01-01T00:01:00.000Z',
    i_device_id: 3,
    i_device_name: 'edge-1',
    src_addr: '2001:db8::1',
    dst_addr: '10.1.2.3',
    l4_dst_port: 443,
    protocol: 6,
    in_bytes: 2 ** 40,
    src_eth_mac: '00:1b:21:aa:bb:cc',
    http_host: 'example.net',
  };
  appendRowObject(src, row);
  const printed = src.rowObject(0);
  for (const [k, v] of Object.entries(row)) assert.equal(printed[k], v, k);
  const dst = createFlowBatch();
  appendRowObject(dst, printed);
  assert.deepEqual(dst.rowObject(0), printed);
});

test('bad values are refused with the column named, and nothing is appended', () => {
  const b = createFlowBatch();
  const bad: Record<string, unknown>[] = [
    { protocol: 256 },
    { l4_src_port: -1 },
    { in_bytes: 1.5 },
    { src_addr: '1.2.3' },
    { nope: 1 },
    { src_eth_mac: 'zz' },
    { i_start_time: 'yesterday' },
    { i_device_name: 7 },
  ];
  for (const obj of bad) {
    assert.throws(
      () => appendRowObject(b, { protocol: 6, ...obj }),
      (e: unknown) => e instanceof RowObjectError && e.column === Object.keys(obj)[0],
    );
  }
  assert.equal(b.length, 0);
  assert.equal(b.rowObject(0).protocol, 0);
});
