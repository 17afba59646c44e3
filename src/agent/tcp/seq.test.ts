import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seqAdd, seqAddSigned, seqGt, seqLe, seqLt } from './seq.js';

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

test('the signed form of a sequence number compares and adds like the unsigned one', () => {
  // Reference, with exact integers: Wireshark's x before y when (x - y) mod 2^32 is at least 2^31
  // (its int32 difference is negative; at exactly 2^31 each number is "before" the other).
  const mod = (x: number, y: number) => (BigInt(x >>> 0) - BigInt(y >>> 0) + (1n << 32n)) % (1n << 32n);
  const before = (x: number, y: number) => mod(x, y) >= 1n << 31n;
  const after = (x: number, y: number) => before(y, x);
  const samples = [
    0, 1, 5, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffff0, 0xffffffff, 123456789, 3000000000,
  ];
  for (const a of samples) {
    for (const b of samples) {
      for (const [x, y] of [
        [a | 0, b | 0],
        [a >>> 0, b | 0],
        [a | 0, b >>> 0],
      ] as const) {
        assert.equal(seqGt(x, y), after(a, b), `${a} > ${b}`);
        assert.equal(seqLt(x, y), before(a, b), `${a} < ${b}`);
        assert.equal(seqLe(x, y), before(a, b) || mod(a, b) === 0n, `${a} <= ${b}`);
      }
      assert.equal(seqAddSigned(a | 0, b) >>> 0, seqAdd(a, b), `${a} + ${b}`);
      assert.equal(seqAddSigned(a | 0, -b) | 0, seqAdd(a, -b) | 0, `${a} - ${b}`);
    }
  }
});
