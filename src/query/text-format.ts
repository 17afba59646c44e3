import type { Value } from './api.js';
import type { SqlType } from './sql-types.js';

/**
 * A result cell in PostgreSQL's text output format (what psql prints and the wire protocol sends
 * in text mode); null stays null. Timestamps are printed in UTC, the session time zone flowlens
 * reports in its ParameterStatus.
 */
export function formatValue(value: Value, type: SqlType): string | null {
  if (value === null) return null;
  switch (type) {
    case 'bool':
      return value ? 't' : 'f';
    case 'float8':
      return formatFloat(value as number);
    case 'timestamptz':
      return formatTimestamp(value as number);
    case 'interval':
      return formatInterval(value as number);
    default:
      return String(value);
  }
}

function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(x);
}

/** '2026-11-21 10:05:00+00', with '.123' when there are milliseconds. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-21T10:05:00.000Z
  const frac = iso.slice(20, 23);
  const fraction = frac === '000' ? '' : `.${frac.replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00`;
}

/** '00:05:00', '1 day 02:00:00', '-00:00:01.5' (PostgreSQL's default intervalstyle). */
export function formatInterval(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = rest - s * 1000;
  const pad = (n: number) => String(n).padStart(2, '0');
  const fraction = frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  const time = `${sign}${pad(h)}:${pad(m)}:${pad(s)}${fraction}`;
  if (days === 0) return time;
  return `${sign}${days} day${days === 1 ? '' : 's'} ${time}`;
}
