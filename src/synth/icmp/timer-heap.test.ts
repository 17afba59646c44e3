import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimerHeap, type TimerTarget } from './timer-heap.js';

test('entries fire in deadline order, exactly those due, against a sorted reference', () => {
  let now = 0;
  const heap = new TimerHeap(() => now);
  const fired: number[] = [];
  const target: TimerTarget = { onTimer: (arg) => fired.push(arg) };
  const pending: { at: number; arg: number }[] = [];
  for (let round = 0; round < 50; round++) {
    // Adds (more than the initial capacity over the rounds), some at the same deadline.
    for (let i = 0; i < 40; i++) {
      const at = now + Math.floor(Math.random() * 100);
      const arg = round * 1000 + i;
      heap.add(at, target, arg);
      pending.push({ at, arg });
    }
    now += Math.floor(Math.random() * 60);
    fired.length = 0;
    heap.runDue(now);
    const due = pending.filter((p) => p.at <= now);
    // Same set, and non-decreasing deadlines (ties may come in any order).
    assert.deepEqual(
      [...fired].sort((a, b) => a - b),
      due.map((p) => p.arg).sort((a, b) => a - b),
    );
    const atOf = new Map(due.map((p) => [p.arg, p.at]));
    for (let i = 1; i < fired.length; i++) assert.ok(atOf.get(fired[i - 1]!)! <= atOf.get(fired[i]!)!);
    pending.splice(0, pending.length, ...pending.filter((p) => p.at > now));
    assert.equal(heap.size, pending.length);
  }
  heap.close();
});

test('a target may add while firing; an entry added for the past fires in the same pass', () => {
  let now = 10;
  const heap = new TimerHeap(() => now);
  const seen: number[] = [];
  const target: TimerTarget = {
    onTimer(arg) {
      seen.push(arg);
      if (arg === 1) heap.add(5, target, 2);
      if (arg === 2) heap.add(11, target, 3);
    },
  };
  heap.add(10, target, 1);
  heap.runDue(now);
  assert.deepEqual(seen, [1, 2]);
  now = 11;
  heap.runDue(now);
  assert.deepEqual(seen, [1, 2, 3]);
  heap.close();
});

test('the one real timer wakes each deadline, re-armed for an earlier one', async () => {
  const heap = new TimerHeap();
  const order: number[] = [];
  const done = new Promise<void>((resolve) => {
    const target: TimerTarget = {
      onTimer(arg) {
        order.push(arg);
        if (order.length === 3) resolve();
      },
    };
    const t0 = performance.now();
    heap.add(t0 + 30, target, 30);
    heap.add(t0 + 20, target, 20);
    heap.add(t0 + 1, target, 1);
  });
  await done;
  assert.deepEqual(order, [1, 20, 30]);
  assert.equal(heap.size, 0);
  heap.close();
});

test('stale entries reaching the top are dropped instead of arming the timer; live ones still fire', async () => {
  const heap = new TimerHeap();
  const fired: number[] = [];
  const stale = new Set([1, 3]);
  const done = new Promise<void>((resolve) => {
    const target: TimerTarget = {
      isStale: (arg) => stale.has(arg),
      onTimer(arg) {
        // As the probe table does: an entry that went stale after it was armed does nothing.
        if (stale.has(arg)) return;
        fired.push(arg);
        if (arg === 4) resolve();
      },
    };
    const t0 = performance.now();
    heap.add(t0 + 1, target, 1);
    // Dropped at once: it was the only entry, so nothing is left to arm for.
    assert.equal(heap.size, 0);
    heap.add(t0 + 2, target, 2);
    heap.add(t0 + 3, target, 3);
    heap.add(t0 + 4, target, 4);
  });
  await done;
  assert.deepEqual(fired, [2, 4]);
  assert.equal(heap.size, 0);
  heap.close();
});
