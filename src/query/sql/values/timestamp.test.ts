import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addInterval, datePart, dateTrunc, parseTimestamp } from './timestamp.js';

const now = Date.UTC(2026, 10, 21, 10, 7, 30, 250);
const ms = (text: string, ignoreZone = false) => {
  const r = parseTimestamp(text, now, ignoreZone);
  return r.ok ? r.ms : r.outOfRange ? 'range' : 'syntax';
};

test('timestamp input: no zone is UTC, zones are honoured unless ignored', () => {
  assert.equal(ms('2026-11-21 10:00'), Date.UTC(2026, 10, 21, 10));
  assert.equal(ms('2026-11-21'), Date.UTC(2026, 10, 21));
  assert.equal(ms('2026-11-21T10:00:00.125Z'), Date.UTC(2026, 10, 21, 10, 0, 0, 125));
  assert.equal(ms('2026-11-21 10:00+02'), Date.UTC(2026, 10, 21, 8));
  assert.equal(ms('2026-11-21 10:00:00-05:30'), Date.UTC(2026, 10, 21, 15, 30));
  assert.equal(ms('2026-11-21 10:00 UTC'), Date.UTC(2026, 10, 21, 10));
  assert.equal(ms('2026-11-21 10:00+02', true), Date.UTC(2026, 10, 21, 10));
  assert.equal(ms('now'), now);
  assert.equal(ms('today'), Date.UTC(2026, 10, 21));
  assert.equal(ms('epoch'), 0);
  assert.equal(ms('infinity'), Number.POSITIVE_INFINITY);
  assert.equal(ms('2026-02-30'), 'range');
  assert.equal(ms('2026-11-21 25:00'), 'range');
  assert.equal(ms('yesterday-ish'), 'syntax');
  assert.equal(ms('0099-01-01'), new Date(0).setUTCFullYear(99, 0, 1)); // not 1999
});

test('calendar arithmetic in UTC', () => {
  const t = Date.UTC(2026, 0, 31, 12);
  // PostgreSQL: '2026-01-31'::timestamptz + '1 month' = 2026-02-28.
  assert.equal(addInterval(t, { months: 1, days: 0, ms: 0 }, 1), Date.UTC(2026, 1, 28, 12));
  assert.equal(addInterval(t, { months: 120, days: 0, ms: 0 }, -1), Date.UTC(2016, 0, 31, 12));
  assert.equal(addInterval(t, { months: 0, days: 1, ms: 3_600_000 }, 1), Date.UTC(2026, 1, 1, 13));
  assert.equal(addInterval(Date.UTC(2024, 1, 29), { months: 12, days: 0, ms: 0 }, 1), Date.UTC(2025, 1, 28));
});

test('date_trunc and date_part in UTC', () => {
  assert.equal(dateTrunc('minute', now), Date.UTC(2026, 10, 21, 10, 7));
  assert.equal(dateTrunc('hour', now), Date.UTC(2026, 10, 21, 10));
  assert.equal(dateTrunc('day', now), Date.UTC(2026, 10, 21));
  assert.equal(dateTrunc('week', now), Date.UTC(2026, 10, 16)); // 2026-11-21 is a Saturday; weeks start Monday
  assert.equal(dateTrunc('month', now), Date.UTC(2026, 10, 1));
  assert.equal(dateTrunc('quarter', now), Date.UTC(2026, 9, 1));
  assert.equal(dateTrunc('year', now), Date.UTC(2026, 0, 1));
  assert.equal(dateTrunc('fortnight', now), undefined);
  assert.equal(datePart('hour', now), 10);
  assert.equal(datePart('dow', now), 6);
  assert.equal(datePart('second', now), 30.25);
  assert.equal(datePart('epoch', now), now / 1000);
});
