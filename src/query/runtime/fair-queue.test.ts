import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../test/helpers/store-flows.js';
import { FairQueue } from './fair-queue.js';

test('one item from each owner in turn, owners in the order they arrived', () => {
  const q = new FairQueue<string, string>();
  for (const [owner, n] of [
    ['a', 3],
    ['b', 1],
    ['c', 2],
  ] as const) {
    for (let i = 1; i <= n; i++) q.push(owner, `${owner}${i}`);
  }
  const out: string[] = [];
  for (let item = q.next(); item !== undefined; item = q.next()) out.push(item);
  assert.deepEqual(out, ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
  assert.equal(q.size, 0);
});

test('an owner arriving mid-round is served after the owners already waiting', () => {
  const q = new FairQueue<string, string>();
  q.push('a', 'a1');
  q.push('a', 'a2');
  q.push('b', 'b1');
  q.push('b', 'b2');
  assert.equal(q.next(), 'a1');
  q.push('c', 'c1');
  // b was due before c arrived; a's turn comes round again before c's.
  assert.deepEqual([q.next(), q.next(), q.next(), q.next()], ['b1', 'a2', 'c1', 'b2']);
});

test('drop removes an owner’s queued items and keeps the others’ order', () => {
  const q = new FairQueue<string, number>();
  for (let i = 0; i < 5; i++) {
    q.push('a', i);
    q.push('b', 10 + i);
  }
  assert.equal(q.next(), 0);
  assert.deepEqual(q.drop('a'), [1, 2, 3, 4]);
  assert.deepEqual(q.drop('a'), []);
  assert.equal(q.size, 5);
  assert.equal(q.queued('b'), 5);
  const out: number[] = [];
  for (let item = q.next(); item !== undefined; item = q.next()) out.push(item);
  assert.deepEqual(out, [10, 11, 12, 13, 14]);
});

test('random pushes, pops and drops: FIFO per owner, and no owner served twice while another waits', () => {
  const rnd = prng(42);
  const q = new FairQueue<number, { owner: number; seq: number }>();
  const model = new Map<number, number[]>(); // owner → queued seqs
  // servedSince[x][y]: times y was served since x was last served, while x had items throughout.
  const servedSince = new Map<number, Map<number, number>>();
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    const r = rnd();
    if (r < 0.5) {
      const owner = Math.floor(rnd() * 6);
      q.push(owner, { owner, seq: seq++ });
      if (!model.has(owner)) {
        model.set(owner, []);
        servedSince.set(owner, new Map());
      }
      model.get(owner)!.push(seq - 1);
    } else if (r < 0.98) {
      const item = q.next();
      if (item === undefined) {
        assert.equal(model.size, 0);
        continue;
      }
      const queue = model.get(item.owner)!;
      assert.equal(item.seq, queue.shift(), 'FIFO within an owner');
      for (const [other, counts] of servedSince) {
        if (other === item.owner) continue;
        const n = (counts.get(item.owner) ?? 0) + 1;
        assert.ok(n <= 1, `owner ${item.owner} served twice while owner ${other} waited`);
        counts.set(item.owner, n);
      }
      servedSince.set(item.owner, new Map());
      if (queue.length === 0) {
        model.delete(item.owner);
        servedSince.delete(item.owner);
      }
    } else {
      const owner = Math.floor(rnd() * 6);
      assert.deepEqual(
        q.drop(owner).map((i) => i.seq),
        model.get(owner) ?? [],
      );
      model.delete(owner);
      servedSince.delete(owner);
    }
    assert.equal(
      q.size,
      [...model.values()].reduce((n, l) => n + l.length, 0),
    );
  }
});
