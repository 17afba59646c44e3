import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transferablesOf } from './transferables.js';

test('every ArrayBuffer under the typed arrays of a value, once; shared buffers left out', () => {
  const a = new Float64Array(4);
  const b = new Uint8Array(16);
  const view = new Uint32Array(a.buffer, 0, 2); // same buffer as a
  const raw = new ArrayBuffer(8);
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const value = {
    rows: 3,
    columns: { a, b, view },
    list: [1, 'x', { deep: [new Map([['k', raw]])] }],
    set: new Set([shared]),
  };
  const found = transferablesOf(value);
  assert.equal(found.length, 3);
  assert.deepEqual(new Set(found), new Set([a.buffer, b.buffer, raw]));
  assert.deepEqual(transferablesOf(42), []);
  const cyclic: Record<string, unknown> = { a };
  cyclic.self = cyclic;
  assert.deepEqual(transferablesOf(cyclic), [a.buffer]);
});
