import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatMs, formatSi, formatTime, timeTick } from './format-units.js';

test('formatSi: three significant digits with the SI prefix (1 k = 1000)', () => {
  assert.equal(formatSi(0, 'bit/s'), '0 bit/s');
  assert.equal(formatSi(999, 'bit/s'), '999 bit/s');
  assert.equal(formatSi(1000, 'bit/s'), '1 kbit/s');
  assert.equal(formatSi(1234567, 'bit/s'), '1.23 Mbit/s');
  assert.equal(formatSi(12_345_678, 'bit/s'), '12.3 Mbit/s');
  assert.equal(formatSi(999_600, 'bit/s'), '1 Mbit/s', 'rounds up into the next prefix, not "1000 k"');
  assert.equal(formatSi(-2500), '-2.5 k');
  assert.equal(formatSi(2 / 3), '0.667');
  assert.equal(formatSi(Number.NaN), 'NaN');
});

test('formatCount groups integers; formatMs and formatTime', () => {
  assert.equal(formatCount(1234567), '1\u202f234\u202f567');
  assert.equal(formatCount(123), '123');
  assert.equal(formatCount(2 / 3), '0.667');
  assert.equal(formatMs(12.345), '12.3 ms');
  assert.equal(formatMs(1200), '1.20 s');
  assert.equal(formatTime(Date.UTC(2026, 0, 5, 10, 0)), '2026-01-05 10:00');
  assert.equal(formatTime(Date.UTC(2026, 0, 5, 10, 0, 7)), '2026-01-05 10:00:07');
});

test('timeTick: minutes, seconds when ticks are under a minute apart, the date at midnight', () => {
  const t = Date.UTC(2026, 10, 21, 17, 23, 0);
  // Ticks 10 s apart within one minute: with minutes alone all would read 17:23.
  const labels = [0, 10_000, 20_000].map((d) => timeTick(t + d, 10_000));
  assert.deepEqual(labels, ['17:23:00', '17:23:10', '17:23:20']);
  assert.equal(new Set(labels).size, 3);
  assert.equal(timeTick(t, 300_000), '17:23');
  assert.equal(timeTick(Date.UTC(2026, 10, 22), 3_600_000), '11-22');
  assert.equal(timeTick(Date.UTC(2026, 10, 22), 1_000), '11-22');
  assert.equal(timeTick(t, 86_400_000), '11-21');
});
