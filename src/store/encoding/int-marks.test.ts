import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter } from './byte-io.js';
import { IntEncoder } from './int-encode.js';
import { intKindNames } from './int-format.js';
import { markIndexInts } from './int-marks.js';

test('markIndexInts marks the entries of bit-packed and byte-wide index blocks and returns the largest', () => {
  let s = 7;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s;
  };
  const size = 5000;
  for (const n of [1, 33, 3001]) {
    const values = Array.from({ length: n }, () => next() % size);
    // Oracle: the set of the values and their largest, by plain loops over the input.
    const expected = new Uint8Array(size);
    for (const v of values) expected[v] = 1;
    const expectedMax = Math.max(...values);
    const kinds = new Set<string>();
    for (const packBits of [true, false]) {
      const encoder = new IntEncoder();
      encoder.packBits = packBits;
      const w = new ByteWriter(16);
      const info = encoder.encode(Float64Array.from(values), n, w, true);
      kinds.add(`${intKindNames[info.kind]}${packBits ? ' bits' : ''}`);
      const r = new ByteReader(w.view8().slice());
      const marks = new Uint8Array(size);
      const max = markIndexInts(r, n, marks, new Uint32Array(n));
      r.done();
      assert.deepEqual(marks, expected, `${n} values, packBits ${packBits}`);
      assert.equal(max, expectedMax);
    }
    assert.equal(kinds.size, 2, `two block forms: ${[...kinds].join(', ')}`);
  }
});
