import type { IntervalValue } from '../ir.js';

/**
 * timestamptz as milliseconds since the epoch, in UTC (flowlens's session time zone): input in
 * PostgreSQL's ISO forms, calendar arithmetic with intervals, date_trunc and date_part.
 */

const dayMs = 86_400_000;

export type TimestampParse = { ok: true; ms: number } | { ok: false; outOfRange: boolean };

const special: Readonly<Record<string, (now: number) => number>> = {
  now: (now) => now,
  today: (now) => Math.floor(now / dayMs) * dayMs,
  tomorrow: (now) => Math.floor(now / dayMs) * dayMs + dayMs,
  yesterday: (now) => Math.floor(now / dayMs) * dayMs - dayMs,
  epoch: () => 0,
  infinity: () => Number.POSITIVE_INFINITY,
  '+infinity': () => Number.POSITIVE_INFINITY,
  '-infinity': () => Number.NEGATIVE_INFINITY,
};

const isoForm =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:(?:t|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(z|utc|gmt|[+-]\d{1,2}(?::?\d{2})?)?$/;

/**
 * Parses '2026-11-21', '2026-11-21 10:00', '2026-11-21T10:00:00.5Z', '… +02', '… -05:30',
 * 'now', 'today', 'epoch', 'infinity'. Without a zone the time is UTC; `ignoreZone` (type
 * timestamp without time zone) drops a written zone, as PostgreSQL does.
 */
export function parseTimestamp(text: string, now: number, ignoreZone = false): TimestampParse {
  const s = text.trim().toLowerCase();
  const named = special[s];
  if (named !== undefined) return { ok: true, ms: named(now) };
  const m = isoForm.exec(s);
  if (m === null) return { ok: false, outOfRange: false };
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) {
    return { ok: false, outOfRange: true };
  }
  const endOfDay = hour === 24 && minute === 0 && second === 0 && fraction === 0;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 60) return { ok: false, outOfRange: true };
  let ms = utcDate(year, month - 1, day) + hour * 3_600_000 + minute * 60_000 + second * 1000;
  ms += Math.floor(fraction);
  const zone = m[8];
  if (zone !== undefined && !ignoreZone && zone !== 'z' && zone !== 'utc' && zone !== 'gmt') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hh = Number(digits.slice(0, digits.length > 2 ? digits.length - 2 : undefined));
    const mm = digits.length > 2 ? Number(digits.slice(-2)) : 0;
    if (hh > 15 || mm > 59) return { ok: false, outOfRange: true };
    ms -= sign * (hh * 3_600_000 + mm * 60_000);
  }
  return { ok: true, ms };
}

/** Midnight UTC of a date (years below 100 are years, not 19xx). */
function utcDate(year: number, month0: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month0, day);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(utcDate(year, month0 + 1, 0)).getUTCDate();
}

/** ts + sign × interval: months first (clamping the day to the month's last), then days, then time. */
export function addInterval(ms: number, iv: IntervalValue, sign: 1 | -1): number {
  if (!Number.isFinite(ms)) return ms;
  let t = ms;
  if (iv.months !== 0) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const total = d.getUTCMonth() + sign * iv.months;
    const ny = y + Math.floor(total / 12);
    const nm = ((total % 12) + 12) % 12;
    const day = Math.min(d.getUTCDate(), daysInMonth(ny, nm));
    t = d.setUTCFullYear(ny, nm, day); // keeps the time of day
  }
  return t + sign * (iv.days * dayMs + iv.ms);
}

export const dateTruncUnits = [
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'decade',
  'century',
  'millennium',
] as const;

/** date_trunc in UTC; undefined for a unit PostgreSQL does not know. */
export function dateTrunc(unit: string, ms: number): number | undefined {
  if (!Number.isFinite(ms)) return ms;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const floorTo = (step: number) => Math.floor(ms / step) * step;
  const yearStart = (year: number, month0 = 0) => utcDate(year, month0, 1);
  switch (unit) {
    case 'microseconds':
    case 'milliseconds':
      return Math.floor(ms);
    case 'second':
      return floorTo(1000);
    case 'minute':
      return floorTo(60_000);
    case 'hour':
      return floorTo(3_600_000);
    case 'day':
      return floorTo(dayMs);
    case 'week': {
      const day = floorTo(dayMs);
      return day - ((new Date(day).getUTCDay() + 6) % 7) * dayMs; // ISO weeks start on Monday
    }
    case 'month':
      return yearStart(y, d.getUTCMonth());
    case 'quarter':
      return yearStart(y, d.getUTCMonth() - (d.getUTCMonth() % 3));
    case 'year':
      return yearStart(y);
    case 'decade':
      return yearStart(Math.floor(y / 10) * 10);
    case 'century':
      return yearStart(Math.floor((y - 1) / 100) * 100 + 1);
    case 'millennium':
      return yearStart(Math.floor((y - 1) / 1000) * 1000 + 1);
    default:
      return undefined;
  }
}

/** date_part / extract in UTC; undefined for a field it does not know. */
export function datePart(field: string, ms: number): number | undefined {
  const d = new Date(ms);
  switch (field) {
    case 'epoch':
      return ms / 1000;
    case 'millennium':
      return Math.floor((d.getUTCFullYear() - 1) / 1000) + 1;
    case 'century':
      return Math.floor((d.getUTCFullYear() - 1) / 100) + 1;
    case 'decade':
      return Math.floor(d.getUTCFullYear() / 10);
    case 'year':
      return d.getUTCFullYear();
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'dow':
      return d.getUTCDay();
    case 'isodow':
      return d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    case 'doy':
      return Math.floor((ms - utcDate(d.getUTCFullYear(), 0, 1)) / dayMs) + 1;
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds() + d.getUTCMilliseconds() / 1000;
    case 'milliseconds':
      return d.getUTCSeconds() * 1000 + d.getUTCMilliseconds();
    case 'microseconds':
      return (d.getUTCSeconds() * 1000 + d.getUTCMilliseconds()) * 1000;
    case 'timezone':
    case 'timezone_hour':
    case 'timezone_minute':
      return 0;
    default:
      return undefined;
  }
}
