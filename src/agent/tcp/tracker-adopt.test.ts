import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpScenarios } from '../../../test/helpers/tcp-scenarios.js';
import { Random } from '../../ingest/export/random.js';
import { createTcpTracker, newTcpMetrics } from './tracker.js';

/**
 * A tracker kept in someone else's slot records (the flow table's: `adopt`) must report what a
 * tracker with its own memory reports, and write nothing outside its blocks: every scenario runs
 * through both, each in another slot, in a buffer whose other words hold random values.
 */
test('a tracker adopted into slot records reports as its own, and leaves the other words alone', () => {
  const scenarios = Object.values(tcpScenarios);
  const slots = scenarios.length;
  const stride = 96;
  const offset = 32;
  const buffer = new ArrayBuffer(slots * stride * 4);
  const words = new Int32Array(buffer);
  const rng = new Random(3);
  for (let i = 0; i < words.length; i++) words[i] = rng.int(2 ** 31);
  const outside = words.filter((_, i) => i % stride < offset);

  const adopted = createTcpTracker(slots + 5);
  assert.equal(adopted.adopt(buffer, slots, stride, offset), true);
  assert.equal(adopted.capacity, slots);
  const own = createTcpTracker(slots);
  for (const [slot, segments] of scenarios.entries()) {
    adopted.open(slot);
    own.open(slot);
    for (const s of segments) {
      adopted.segment(slot, s);
      own.segment(slot, s);
    }
  }
  for (let slot = 0; slot < slots; slot++) {
    const a = newTcpMetrics();
    const b = newTcpMetrics();
    adopted.read(slot, a);
    own.read(slot, b);
    assert.deepEqual(a, b, `slot ${slot}`);
  }
  assert.deepEqual(
    words.filter((_, i) => i % stride < offset),
    outside,
  );
});

test('a tracker already in use keeps its own memory', () => {
  const t = createTcpTracker(4);
  t.open(0);
  assert.equal(t.adopt(new ArrayBuffer(4 * 96 * 4), 4, 96, 32), false);
  assert.equal(createTcpTracker(4).adopt(new ArrayBuffer(8 * 96 * 4), 8, 96, 32), false); // too many slots
});
