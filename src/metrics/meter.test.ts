import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { Ewma, ewmaAlpha } from './ewma.js';
import { Meter } from './meter.js';

/**
 * Hand computation (Dropwizard's EWMA): alpha = 1 − exp(−5/60/N), so one tick without events
 * multiplies the rate by (1 − alpha) = exp(−5/(60·N)). One mark of 3 followed by a tick sets the
 * rate to the instant rate 3 events / 5 s = 0.6/s outright (the first tick initializes); k more
 * idle ticks leave 0.6·exp(−5k/(60·N)) = 0.6·exp(−t/(60·N)) with t = 5k seconds. After one
 * minute (k = 12): 0.6/e = 0.22072766 for N = 1, 0.6·e^(−1/5) = 0.49123845 for N = 5,
 * 0.6·e^(−1/15) = 0.56130419 for N = 15 (the numbers of Dropwizard's own EWMATest).
 */
const expected = (minutes: number, seconds: number) => 0.6 * Math.exp(-seconds / (60 * minutes));

function close(actual: number, want: number, what: string): void {
  assert.ok(Math.abs(actual - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);
}

test('alpha = 1 − exp(−5/60/N)', () => {
  close(ewmaAlpha(1), 1 - Math.exp(-1 / 12), 'M1');
  close(ewmaAlpha(5), 1 - Math.exp(-1 / 60), 'M5');
  close(ewmaAlpha(15), 1 - Math.exp(-1 / 180), 'M15');
});

test('EWMA: one mark of 3, then k idle ticks: 0.6·(1 − alpha)^k per second', () => {
  for (const minutes of [1, 5, 15]) {
    const ewma = new Ewma(ewmaAlpha(minutes));
    ewma.tick(3);
    close(ewma.rate, 0.6, `first tick, ${minutes} min`);
    for (let k = 1; k <= 15 * 12; k++) {
      ewma.tick(0);
      close(ewma.rate, 0.6 * (1 - ewmaAlpha(minutes)) ** k, `${minutes} min after ${k} ticks`);
    }
  }
  const m1 = new Ewma(ewmaAlpha(1));
  m1.tick(3);
  for (let k = 0; k < 12; k++) m1.tick(0);
  assert.equal(m1.rate.toFixed(8), '0.22072766');
});

test('Meter: ticks are replayed lazily on read, every 5 s since the last', () => {
  const clock = new ManualClock();
  const meter = new Meter('flowlens_test_events_total', {}, clock);
  meter.mark(3);
  // Exactly 5 s is not yet a tick (Dropwizard ticks when age > 5 s): the rates stay 0.
  clock.advance(5_000);
  assert.equal(meter.m1Rate, 0);
  // At 65 s: 13 ticks: the first turns the 3 marks into 0.6/s, 12 idle ones decay it for 60 s.
  clock.advance(60_000);
  close(meter.m1Rate, expected(1, 60), 'M1 after a minute');
  close(meter.m5Rate, expected(5, 60), 'M5 after a minute');
  close(meter.m15Rate, expected(15, 60), 'M15 after a minute');
  assert.equal(meter.m1Rate.toFixed(8), '0.22072766');
  assert.equal(meter.m5Rate.toFixed(8), '0.49123845');
  assert.equal(meter.m15Rate.toFixed(8), '0.56130419');
  // Ten idle minutes later, read once: 120 more ticks replayed.
  clock.advance(600_000);
  close(meter.m15Rate, expected(15, 660), 'M15 after 11 minutes');
  close(meter.m1Rate, expected(1, 660), 'M1 after 11 minutes');
  assert.equal(meter.count, 3);
});

test('Meter: marks belong to the tick in which they happened; mean rate is count / elapsed', () => {
  const clock = new ManualClock();
  const meter = new Meter('flowlens_test_events_total', {}, clock);
  const alpha = ewmaAlpha(1);
  meter.mark(3); // in the tick (0 s, 5 s]
  clock.advance(7_000);
  meter.mark(2); // at 7 s: first replays the tick that ended at 5 s (rate 0.6); the 2 go to (5 s, 10 s]
  clock.advance(3_001);
  // At 10.001 s one more tick: instant rate 2/5 = 0.4; rate = 0.6 + alpha·(0.4 − 0.6).
  close(meter.m1Rate, 0.6 + alpha * (0.4 - 0.6), 'M1 after two ticks');
  // Mean: 5 events over 10.001 s.
  close(meter.meanRate, 5 / 10.001, 'mean rate');
  assert.equal(meter.count, 5);
});

test('Meter: a month idle reads as (practically) 0, and the next marks start afresh', () => {
  const clock = new ManualClock();
  const meter = new Meter('flowlens_test_events_total', {}, clock);
  meter.mark(3);
  clock.advance(30 * 86_400_000);
  // 0.6·exp(−30 days / 15 min) = 0.6·e^(−2880): far below the smallest double. Iterated as
  // Dropwizard does (rate −= alpha·rate), the rate gets stuck in the denormals where alpha·rate
  // rounds to 0; replaying stops there, as the remaining 518,000-odd ticks would change nothing.
  assert.ok(meter.m15Rate < 1e-300, `M15 ${meter.m15Rate}`);
  assert.ok(meter.m1Rate < 1e-300, `M1 ${meter.m1Rate}`);
  meter.mark(5);
  clock.advance(5_001);
  // The averages are initialized (at ~0): one tick of 5 events moves them by alpha·(1/s − 0).
  close(meter.m1Rate, ewmaAlpha(1), 'M1 after a fresh tick');
  close(meter.m15Rate, ewmaAlpha(15), 'M15 after a fresh tick');
  assert.equal(meter.count, 8);
});

test('Meter: negative and NaN marks are ignored', () => {
  const clock = new ManualClock();
  const meter = new Meter('flowlens_test_events_total', {}, clock);
  meter.mark(-4);
  meter.mark(Number.NaN);
  meter.mark();
  assert.equal(meter.count, 1);
  assert.equal(meter.meanRate, 0, 'no time has passed');
});
