import { QueryError, SqlState } from '../errors.js';

/** date_trunc, time_bucket and date_part over ms since the epoch, in UTC (PostgreSQL's semantics). */

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 1970-01-05, the first Monday after the epoch: weeks start on Monday (ISO). */
const FIRST_MONDAY = 4 * DAY;

/** Width in ms of a fixed-width date_trunc unit, or undefined for month/quarter/year. */
export function truncWidth(unit: string): number | undefined {
  switch (unit) {
    case 'second':
      return SECOND;
    case 'minute':
      return MINUTE;
    case 'hour':
      return HOUR;
    case 'day':
      return DAY;
    case 'week':
      return 7 * DAY;
    default:
      return undefined;
  }
}

export function dateTrunc(unit: string, t: number): number {
  switch (unit) {
    case 'millisecond':
    case 'milliseconds':
      return Math.floor(t);
    case 'second':
    case 'minute':
    case 'hour':
    case 'day': {
      const w = truncWidth(unit)!;
      return Math.floor(t / w) * w;
    }
    case 'week':
      return Math.floor((t - FIRST_MONDAY) / (7 * DAY)) * 7 * DAY + FIRST_MONDAY;
    case 'month':
    case 'quarter':
    case 'year': {
      const d = new Date(t);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      if (unit === 'year') return Date.UTC(y, 0, 1);
      return Date.UTC(y, unit === 'month' ? m : m - (m % 3), 1);
    }
    default:
      throw new QueryError(SqlState.invalidParameterValue, `unit "${unit}" not recognized for date_trunc`);
  }
}

export function timeBucket(width: number, t: number): number {
  if (!(width > 0)) {
    throw new QueryError(SqlState.invalidParameterValue, 'time_bucket width must be greater than 0');
  }
  return Math.floor(t / width) * width;
}

export function datePart(field: string, t: number): number {
  if (field === 'epoch') return t / 1000;
  const d = new Date(t);
  switch (field) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds() + d.getUTCMilliseconds() / 1000;
    case 'dow':
      return d.getUTCDay();
    case 'isodow':
      return d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    case 'doy':
      return Math.floor((t - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'milliseconds':
      return d.getUTCSeconds() * 1000 + d.getUTCMilliseconds();
    default:
      throw new QueryError(
        SqlState.invalidParameterValue,
        `unit "${field}" not supported for type timestamp with time zone`,
      );
  }
}
