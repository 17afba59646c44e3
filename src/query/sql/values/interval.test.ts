import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIntervalValue, intervalMs, parseInterval } from './interval.js';

const h = 3_600_000;
const m = 60_000;

test('interval input: PostgreSQL spellings', () => {
  // Expected parts are what PostgreSQL 15 returns for the same literals.
  const cases: [string, number, number, number][] = [
    ['5 min', 0, 0, 5 * m],
    ['1 hour', 0, 0, h],
    ['1 day 2 hours', 0, 1, 2 * h],
    ['1.5 hours', 0, 0, 1.5 * h],
    ['-5 min', 0, 0, -5 * m],
    ['1 year 2 months', 14, 0, 0],
    ['10 years', 120, 0, 0],
    ['1.5 months', 1, 15, 0],
    ['2 weeks', 0, 14, 0],
    ['01:30', 0, 0, 90 * m],
    ['1 day 01:30:15.5', 0, 1, 90 * m + 15_500],
    ['P1DT2H', 0, 1, 2 * h],
    ['@ 5 mins ago', 0, 0, -5 * m],
    ['5', 0, 0, 5000],
    ['1h30m', 0, 0, 90 * m],
    ['3 days 4 hours 5 min 6 sec 7 ms', 0, 3, 4 * h + 5 * m + 6000 + 7],
    ['1 mon -1 day', 1, -1, 0],
  ];
  for (const [text, months, days, ms] of cases) {
    assert.deepEqual(parseInterval(text), { months, days, ms }, text);
  }
  for (const bad of ['', 'five minutes', '5 fortnights', '1 day ago ago'])
    assert.equal(parseInterval(bad), undefined, bad);
  // interval '5' minute: the typmod names the unit of a bare number.
  assert.deepEqual(parseInterval('5', 1 << 11), { months: 0, days: 0, ms: 5 * m });
});

test('intervals in milliseconds and text', () => {
  // extract(epoch from interval '1 year') is 365.25 days; a month is 30 days.
  assert.equal(intervalMs({ months: 12, days: 0, ms: 0 }), 365.25 * 24 * h);
  assert.equal(intervalMs({ months: 1, days: 1, ms: 1 }), 31 * 24 * h + 1);
  assert.equal(
    formatIntervalValue({ months: 14, days: 3, ms: 4 * h + 5 * m + 6500 }),
    '1 year 2 mons 3 days 04:05:06.5',
  );
  assert.equal(formatIntervalValue({ months: 0, days: 0, ms: 0 }), '00:00:00');
});
