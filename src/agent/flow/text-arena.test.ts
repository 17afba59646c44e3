import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../ingest/export/random.js';
import { blockClass, TextArena } from './text-arena.js';

test('blockClass gives the smallest block of 16 << class bytes that holds the length', () => {
  for (let length = 1; length <= 70_000; length++) {
    const c = blockClass(length);
    assert.ok(16 << c >= length, `${length}`);
    if (c > 0) assert.ok(16 << (c - 1) < length, `${length}`);
  }
});

/**
 * Texts stored and released at random keep their bytes until released, while the arena grows
 * and reuses freed blocks: checked against a copy of each live text.
 */
test('TextArena keeps every live text intact across growth and block reuse', () => {
  const rng = new Random(11);
  const arena = new TextArena(64);
  const live: { at: number; copy: Uint8Array }[] = [];
  // A block is carved only when its class has none free, i.e. all carved ones are live: each
  // class carves as many blocks as it ever had live at once.
  const liveOf = new Array<number>(28).fill(0);
  const peakOf = new Array<number>(28).fill(0);
  for (let step = 0; step < 20_000; step++) {
    if (live.length > 0 && rng.int(2) === 0) {
      const { at, copy } = live.splice(rng.int(live.length), 1)[0]!;
      assert.deepEqual(arena.bytes.subarray(at, at + copy.length), copy, `step ${step}`);
      arena.release(at, copy.length);
      liveOf[blockClass(copy.length)]!--;
    } else {
      const length = 1 + (rng.int(5) === 0 ? rng.int(2000) : rng.int(40));
      const buf = new Uint8Array(length + 3);
      for (let i = 0; i < buf.length; i++) buf[i] = rng.int(256);
      live.push({ at: arena.store(buf, 2, 2 + length), copy: buf.slice(2, 2 + length) });
      const c = blockClass(length);
      liveOf[c]!++;
      peakOf[c] = Math.max(peakOf[c]!, liveOf[c]!);
    }
  }
  for (const { at, copy } of live) assert.deepEqual(arena.bytes.subarray(at, at + copy.length), copy);
  assert.equal(
    arena.size,
    peakOf.reduce((n, peak, c) => n + peak * (16 << c), 0),
  );
});
