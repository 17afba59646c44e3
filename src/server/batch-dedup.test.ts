import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/peers.js';
import { BatchDedup } from './batch-dedup.js';

const s1 = '0123456789abcdef';

function counter() {
  const stored: number[] = [];
  return { stored, store: (seq: number) => async () => void stored.push(seq) };
}

test('a batch at or below the highest acknowledged number is a duplicate; others are stored', async () => {
  const d = new BatchDedup();
  const { stored, store } = counter();
  assert.equal(await d.once('t/1', s1, 1, store(1)), true);
  assert.equal(await d.once('t/1', s1, 1, store(1)), false);
  assert.equal(await d.once('t/1', s1, 2, store(2)), true);
  assert.equal(await d.once('t/1', s1, 1, store(1)), false);
  // Another device or session is another sequence.
  assert.equal(await d.once('t/2', s1, 1, store(1)), true);
  assert.equal(await d.once('t/1', 'fedcba9876543210', 1, store(1)), true);
  // No session: no de-duplication.
  assert.equal(await d.once('t/1', '0000000000000000', 1, store(1)), true);
  assert.equal(await d.once('t/1', '0000000000000000', 1, store(1)), true);
  assert.deepEqual(stored, [1, 2, 1, 1, 1, 1]);
  assert.equal(d.duplicates, 2);
});

test('a retry arriving while the first attempt is being stored waits for it; a failed attempt leaves it to the retry', async () => {
  const d = new BatchDedup();
  let calls = 0;
  let release!: () => void;
  const slow = () => {
    calls++;
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  const first = d.once('t/1', s1, 5, slow);
  const retry = d.once('t/1', s1, 5, slow);
  release();
  assert.deepEqual(await Promise.all([first, retry]), [true, false]);
  assert.equal(calls, 1);

  let fail!: (err: Error) => void;
  const failing = d.once('t/1', s1, 6, () => new Promise<void>((_, reject) => (fail = reject)));
  const retry2 = d.once('t/1', s1, 6, async () => {
    calls++;
  });
  fail(new Error('disk full'));
  await assert.rejects(failing, /disk full/);
  assert.equal(await retry2, true);
  assert.equal(calls, 2);
});

test('saved at stop, loaded at start; the least recently used sessions go past the bound', async (t) => {
  const file = join(tempDir(t), 'agent-batches.json');
  const d = new BatchDedup(2);
  const { stored, store } = counter();
  await d.once('t/1', s1, 7, store(7));
  await d.once('t/2', s1, 3, store(3));
  await d.save(file);
  const loaded = new BatchDedup(2);
  assert.equal(await loaded.load(file), true);
  assert.equal(await loaded.once('t/1', s1, 7, store(7)), false);
  assert.equal(await loaded.once('t/2', s1, 4, store(4)), true);
  // A third session evicts the least recently used one (t/1), which then starts over.
  await loaded.once('t/3', s1, 1, store(1));
  assert.equal(loaded.size, 2);
  assert.equal(await loaded.once('t/1', s1, 7, store(7)), true);
  assert.deepEqual(stored, [7, 3, 4, 1, 7]);
  assert.equal(await new BatchDedup().load(join(tempDir(t), 'missing.json')), true);
});
