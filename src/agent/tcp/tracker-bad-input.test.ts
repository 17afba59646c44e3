import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACK, C, FIN, RST, S, SYN, seg } from '../../../test/helpers/tcp-segments.js';
import type { TcpMetrics } from '../contract.js';
import { createTcpTracker, newTcpMetrics } from './tracker.js';

/** A small deterministic PRNG (xorshift32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function assertSane(m: TcpMetrics): void {
  const values = [
    m.clientNwLatencyMs,
    m.serverNwLatencyMs,
    m.applLatencyMs,
    m.repeatedRetransmits,
    m.zeroWindow,
    ...m.retransmits,
    ...m.outOfOrder,
    ...m.receiveWindow,
  ];
  for (const v of values)
    assert.ok(Number.isInteger(v) && v >= 0, `not a count: ${v} in ${JSON.stringify(m)}`);
}

test('slots out of range and absurd capacities are ignored, never thrown', () => {
  for (const capacity of [0, -1, Number.NaN, 1.5]) {
    const tracker = createTcpTracker(capacity);
    tracker.open(0);
    tracker.segment(0, seg(C, 0, 1, 1, SYN));
    const out = newTcpMetrics();
    tracker.read(0, out);
    assert.deepEqual(out, newTcpMetrics());
  }
  const tracker = createTcpTracker(2);
  for (const slot of [-1, 2, 1e9, 0.5, Number.NaN]) {
    tracker.open(slot);
    tracker.segment(slot, seg(C, 0, 1, 1, SYN));
    const out = newTcpMetrics();
    out.zeroWindow = 9;
    tracker.read(slot, out);
    assert.equal(out.zeroWindow, 0);
  }
});

test('an RST storm with random sequence numbers: no retransmission, no zero window, no throw', () => {
  const tracker = createTcpTracker(1);
  const next = prng(7);
  for (let i = 0; i < 20_000; i++) {
    const dir = next() < 0.5 ? C : S;
    tracker.segment(
      0,
      seg(dir, i * 0.01, next() * 2 ** 32, next() * 2 ** 32, next() < 0.5 ? RST : RST | ACK, 0, 0),
    );
  }
  const out = newTcpMetrics();
  tracker.read(0, out);
  // RSTs carry no data: never checked for retransmission; window 0 on an RST is not a zero window.
  assert.deepEqual(out.retransmits, [0, 0]);
  assert.deepEqual(out.outOfOrder, [0, 0]);
  assert.equal(out.zeroWindow, 0);
});

test('fuzzed segments (absurd windows, lengths, times, sequence jumps) never throw', () => {
  const tracker = createTcpTracker(8);
  const next = prng(12345);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const numbers = [
    0,
    1,
    -1,
    0xffffffff,
    2 ** 32,
    2 ** 53,
    -(2 ** 40),
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ];
  const out = newTcpMetrics();
  for (let i = 0; i < 100_000; i++) {
    const slot = Math.floor(next() * 8);
    const s = seg(
      next() < 0.9 ? C : S,
      next() < 0.95 ? i : pick(numbers),
      next() < 0.7 ? Math.floor(next() * 4096) : next() * 2 ** 32,
      next() < 0.9 ? Math.floor(next() * 4096) : pick(numbers),
      Math.floor(next() * 256),
      next() < 0.8 ? Math.floor(next() * 1500) : pick(numbers),
      next() < 0.8 ? Math.floor(next() * 65536) : pick(numbers),
      next() < 0.8 ? -1 : pick([0, 7, 14, 15, 200, -2, 255, Number.NaN]),
    );
    if (next() < 0.01) s.dir = pick([2, -1, 7]) as typeof s.dir;
    tracker.segment(slot, s);
    if (next() < 0.01) tracker.open(slot);
    if (next() < 0.05) {
      tracker.read(slot, out);
      assertSane(out);
    }
  }
});

test('sequence jumps back and forth by half the space are counted, not crashed on', () => {
  const tracker = createTcpTracker(1);
  const out = newTcpMetrics();
  tracker.segment(0, seg(C, 0, 1000, 0, SYN));
  for (let i = 1; i <= 1000; i++) {
    tracker.segment(0, seg(C, i * 10, 1001 + (i % 2) * 0x80000000, 1, ACK, 100));
  }
  tracker.segment(0, seg(C, 20_000, 5, 1, FIN | ACK));
  tracker.read(0, out);
  assertSane(out);
  assert.ok(out.retransmits[0] + out.outOfOrder[0] <= 1001);
});
