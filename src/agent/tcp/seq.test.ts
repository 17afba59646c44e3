import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seqAdd, seqGt, seqLe, seqLt } from './seq.js';

test('sequence comparisons wrap at 2^32', () => {
  // 0x00000010 is 0x20 past 0xfffffff0: after it, although smaller as a plain number.
  assert.ok(seqGt(0x10, 0xfffffff0));
  assert.ok(seqLt(0xfffffff0, 0x10));
  assert.ok(!seqGt(0xfffffff0, 0x10));
  assert.ok(seqLe(0xfffffff0, 0x10) && seqLe(5, 5) && !seqLe(6, 5));
  // Plain order away from the wrap.
  assert.ok(seqGt(1001, 1000) && seqLt(1000, 1001) && !seqLt(1000, 1000));
  // Half the space away is "before" (the signed difference is -2^31).
  assert.ok(seqLt(0, 0x80000000));
});

test('sequence addition wraps to uint32', () => {
  assert.equal(seqAdd(0xffffffff, 1), 0);
  assert.equal(seqAdd(0xffffff00, 0x200), 0x100);
  assert.equal(seqAdd(0, -1), 0xffffffff);
});
