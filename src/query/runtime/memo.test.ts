import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testSpec } from '../../../test/helpers/test-kernel.js';
import type { ScanJob } from '../../store/backend.js';
import { JobMemo } from './memo.js';

const size = (p: unknown) => (p as { bytes: number }).bytes;

/** Bytes one entry of `bytes` under a 2-character key takes, measured on a memo of its own. */
function entryBytes(bytes: number): number {
  const probe = new JobMemo(1 << 20, size);
  probe.set('k0', { bytes });
  return probe.bytes;
}

test('least recently used entries are evicted first once the bytes exceed the capacity', () => {
  const per = entryBytes(100);
  assert.ok(per >= 100);
  const memo = new JobMemo(3 * per, size);
  for (const key of ['k1', 'k2', 'k3']) assert.equal(memo.set(key, { bytes: 100, key }), true);
  assert.equal(memo.bytes, 3 * per);
  assert.deepEqual(memo.get('k1'), { bytes: 100, key: 'k1' }); // k1 is now the most recent
  memo.set('k4', { bytes: 100, key: 'k4' });
  assert.equal(memo.has('k2'), false, 'k2 was the least recently used');
  assert.deepEqual(
    ['k1', 'k3', 'k4'].map((k) => memo.has(k)),
    [true, true, true],
  );
  assert.equal(memo.evictions, 1);
  assert.equal(memo.bytes, 3 * per);
  assert.equal(memo.get('k2'), undefined);
  assert.equal(memo.hits, 1);
  assert.equal(memo.misses, 1);
});

test('a large entry evicts as many as it needs; one larger than the memo is not kept', () => {
  const per = entryBytes(100);
  const memo = new JobMemo(3 * per, size);
  for (const key of ['k1', 'k2', 'k3']) memo.set(key, { bytes: 100 });
  // Two entries' worth of partial bytes: it needs the room of two small entries (and a bit).
  memo.set('k5', { bytes: 100 + per });
  assert.deepEqual(
    ['k1', 'k2', 'k3', 'k5'].map((k) => memo.has(k)),
    [false, false, true, true],
  );
  assert.equal(memo.bytes, 3 * per);
  assert.equal(memo.set('k6', { bytes: 3 * per }), false);
  assert.equal(memo.has('k6'), false);
  assert.equal(memo.bytes, 3 * per, 'a refused entry evicts nothing');
});

test('setting a key again replaces its entry and its bytes', () => {
  const per = entryBytes(100);
  const memo = new JobMemo(10 * per, size);
  memo.set('k1', { bytes: 100 });
  memo.set('k1', { bytes: 100, v: 2 });
  assert.equal(memo.size, 1);
  assert.equal(memo.bytes, per);
  assert.deepEqual(memo.get('k1'), { bytes: 100, v: 2 });
});

test('capacity 0 keeps nothing; only jobs over sealed data (with a dataId) have a key', () => {
  const memo = new JobMemo(0, size);
  assert.equal(memo.set('k1', { bytes: 1 }), false);
  assert.equal(memo.bytes, 0);
  const job = { dataId: 'seg-7.seg:100:0' } as ScanJob;
  assert.equal(JobMemo.key(job, testSpec('sum(in_bytes)', [])), 'seg-7.seg:100:0|sum(in_bytes)');
  assert.equal(JobMemo.key({ ...job, dataId: undefined }, testSpec('s', [])), undefined);
});

test('the default size estimate counts typed array bytes', () => {
  const memo = new JobMemo(1 << 20);
  memo.set('a', { sums: new Float64Array(1000) });
  assert.ok(memo.bytes >= 8000 && memo.bytes < 8000 + 1000, String(memo.bytes));
});
