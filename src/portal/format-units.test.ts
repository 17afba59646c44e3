import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatMs, formatSi, formatTime } from './format-units.js';

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
