import type { IntervalValue } from '../ir.js';

/**
 * PostgreSQL interval input ('5 min', '1 day 2 hours', '01:30:00', '@ 5 mins ago', 'P1DT2H',
 * '10 years') into months, days and milliseconds kept apart, as PostgreSQL keeps them, so that
 * months are calendar months when added to a timestamp.
 */

const dayMs = 86_400_000;

type Unit = { readonly months?: number; readonly days?: number; readonly ms?: number };

const units = new Map<string, Unit>();
const alias = (names: string, unit: Unit) => {
  for (const n of names.split(' ')) units.set(n, unit);
};
alias('millennium millennia millenniums mil mils', { months: 12_000 });
alias('century centuries cent c', { months: 1200 });
alias('decade decades dec decs', { months: 120 });
alias('year years y yr yrs', { months: 12 });
alias('month months mon mons', { months: 1 });
alias('week weeks w', { days: 7 });
alias('day days d', { days: 1 });
alias('hour hours h hr hrs', { ms: 3_600_000 });
alias('minute minutes m min mins', { ms: 60_000 });
alias('second seconds s sec secs', { ms: 1000 });
alias('millisecond milliseconds ms msec msecs mseconds', { ms: 1 });
alias('microsecond microseconds us usec usecs useconds', { ms: 0.001 });

/** The interval typmod's field bits (PostgreSQL's INTERVAL_MASK), lowest unit first. */
const typmodFields: readonly [number, string][] = [
  [1 << 12, 'second'],
  [1 << 11, 'minute'],
  [1 << 10, 'hour'],
  [1 << 3, 'day'],
  [1 << 1, 'month'],
  [1 << 2, 'year'],
];

class Acc {
  months = 0;
  days = 0;
  ms = 0;

  add(value: number, unit: Unit): void {
    if (unit.months !== undefined) {
      const total = value * unit.months;
      const whole = Math.trunc(total);
      this.months += whole;
      this.addDays((total - whole) * 30);
    } else if (unit.days !== undefined) this.addDays(value * unit.days);
    else this.ms += value * unit.ms!;
  }

  private addDays(total: number): void {
    const whole = Math.trunc(total);
    this.days += whole;
    this.ms += Math.round((total - whole) * dayMs * 1000) / 1000;
  }
}

/** Parses interval text; `typmod` (interval '5' minute) gives a bare number its unit. Undefined if invalid. */
export function parseInterval(text: string, typmod?: number): IntervalValue | undefined {
  let s = text.trim().toLowerCase();
  if (s.startsWith('@')) s = s.slice(1).trim();
  if (s === '') return undefined;
  if (s.startsWith('p')) return parseIso(s);
  const acc = new Acc();
  const token =
    /\s*(?:([+-]?\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)|([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]+)?|(ago))/y;
  let ago = false;
  let pos = 0;
  while (pos < s.length) {
    token.lastIndex = pos;
    const m = token.exec(s);
    if (m === null) return s.slice(pos).trim() === '' ? done(acc, ago) : undefined;
    pos = token.lastIndex;
    if (m[4] !== undefined) {
      if (ago) return undefined;
      ago = true;
    } else if (m[1] !== undefined) {
      addTime(acc, m[1]);
    } else {
      const value = Number(m[2]);
      const unitName = m[3] ?? bareUnit(typmod);
      const unit = units.get(unitName);
      if (unit === undefined || !Number.isFinite(value)) return undefined;
      acc.add(value, unit);
    }
  }
  return done(acc, ago);
}

function bareUnit(typmod: number | undefined): string {
  if (typmod === undefined || typmod < 0) return 'second';
  for (const [mask, name] of typmodFields) if (typmod & mask) return name;
  return 'second';
}

function addTime(acc: Acc, text: string): void {
  const negative = text.startsWith('-');
  const [h, m, sec] = text.replace(/^[+-]/, '').split(':');
  const ms = Number(h) * 3_600_000 + Number(m) * 60_000 + Number(sec ?? 0) * 1000;
  acc.ms += negative ? -ms : ms;
}

function done(acc: Acc, ago: boolean): IntervalValue {
  const sign = ago ? -1 : 1;
  return { months: sign * acc.months + 0, days: sign * acc.days + 0, ms: sign * acc.ms + 0 };
}

function parseIso(s: string): IntervalValue | undefined {
  const m =
    /^p(?:(-?[\d.]+)y)?(?:(-?[\d.]+)m)?(?:(-?[\d.]+)w)?(?:(-?[\d.]+)d)?(?:t(?:(-?[\d.]+)h)?(?:(-?[\d.]+)m)?(?:(-?[\d.]+)s)?)?$/.exec(
      s,
    );
  if (m === null || s === 'p' || s.endsWith('t')) return undefined;
  const acc = new Acc();
  const parts: [string | undefined, string][] = [
    [m[1], 'year'],
    [m[2], 'month'],
    [m[3], 'week'],
    [m[4], 'day'],
    [m[5], 'hour'],
    [m[6], 'minute'],
    [m[7], 'second'],
  ];
  for (const [value, unit] of parts) {
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isFinite(n)) return undefined;
    acc.add(n, units.get(unit)!);
  }
  return done(acc, false);
}

/**
 * The interval as milliseconds, where a calendar has to be assumed: a year is 365.25 days and a
 * month 30 days (PostgreSQL's extract(epoch from interval)).
 */
export function intervalMs(v: IntervalValue): number {
  const years = Math.trunc(v.months / 12);
  const months = v.months - years * 12;
  return years * 365.25 * dayMs + months * 30 * dayMs + v.days * dayMs + v.ms;
}

export function intervalFromMs(ms: number): IntervalValue {
  return { months: 0, days: 0, ms };
}

/** PostgreSQL's default output: '1 year 2 mons 3 days 04:05:06.5'. */
export function formatIntervalValue(v: IntervalValue): string {
  const parts: string[] = [];
  const years = Math.trunc(v.months / 12);
  const months = v.months - years * 12;
  const plural = (n: number, word: string) => `${n} ${word}${Math.abs(n) === 1 ? '' : 's'}`;
  if (years !== 0) parts.push(plural(years, 'year'));
  if (months !== 0) parts.push(plural(months, 'mon'));
  if (v.days !== 0) parts.push(plural(v.days, 'day'));
  if (v.ms !== 0 || parts.length === 0) {
    const sign = v.ms < 0 ? '-' : parts.length > 0 && v.ms > 0 ? '+' : '';
    let rest = Math.abs(v.ms);
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const sec = rest / 1000;
    const pad = (n: number) => String(n).padStart(2, '0');
    const secText = Number.isInteger(sec)
      ? pad(sec)
      : (sec < 10 ? '0' : '') + String(Math.round(sec * 1e6) / 1e6);
    parts.push(`${sign === '+' ? '' : sign}${pad(h)}:${pad(m)}:${secText}`);
  }
  return parts.join(' ');
}
