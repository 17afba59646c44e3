import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DueHeap } from './due-heap.js';

test('entries come out earliest first, with their item and tag, against a sorted reference', () => {
  const heap = new DueHeap<string>();
  const reference: { at: number; tag: number }[] = [];
  for (let step = 0; step < 5000; step++) {
    if (heap.size > 0 && Math.random() < 0.45) {
      reference.sort((a, b) => a.at - b.at);
      const want = reference.shift()!;
      assert.equal(heap.topAt, want.at);
      // Equal times may come out in any order, but the item and tag travel with their entry.
      assert.equal(heap.topItem, `item ${heap.topTag}`);
      heap.pop();
    } else {
      const at = Math.floor(Math.random() * 1000);
      heap.push(at, `item ${step}`, step);
      reference.push({ at, tag: step });
    }
    assert.equal(heap.size, reference.length);
  }
  heap.clear();
  assert.equal(heap.size, 0);
  assert.equal(heap.topAt, Number.POSITIVE_INFINITY);
});
