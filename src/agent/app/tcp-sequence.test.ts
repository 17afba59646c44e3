import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SequenceCursor } from './tcp-sequence.js';

test('in order, duplicate, overlapping, gap, and across the 32-bit wrap', () => {
  const c = new SequenceCursor();
  const start = 0xffff_fff0;
  assert.equal(c.accept(start, 10), 0); // the first segment starts the stream
  assert.equal(c.accept(start + 10, 10), 0); // wraps past 2^32
  assert.equal(c.gap, 0);
  assert.equal(c.next, 4);
  assert.equal(c.accept(start, 20), -1); // both again: nothing new
  // Next is start + 20 (4 after the wrap); a segment from start + 15 holds 5 old bytes, then new ones.
  assert.equal(c.accept(start + 15, 10), 5);
  assert.equal(c.next, 9); // start + 25
  assert.equal(c.accept(19, 5), 0); // 10 bytes never seen before this one
  assert.equal(c.gap, 10);
  assert.equal(c.next, 24);
  assert.equal(c.accept(9, 10), -1); // the late segment of that gap: already passed
});
