/**
 * Numbers as the portal shows them: SI prefixes for rates (`12.3 Mbit/s`, as network tools do;
 * 1 k = 1000), plain grouped digits for counts, milliseconds for latencies.
 */

const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** `v` with an SI prefix and three significant digits: 1234567 → "1.23 M" + unit. */
export function formatSi(v: number, unit = ''): string {
  if (!Number.isFinite(v)) return String(v);
  const sign = v < 0 ? '-' : '';
  let x = Math.abs(v);
  let p = 0;
  while (x >= 999.5 && p < prefixes.length - 1) {
    x /= 1000;
    p++;
  }
  const space = unit === '' && p === 0 ? '' : ' ';
  return `${sign}${Number(x.toPrecision(3))}${space}${prefixes[p]}${unit}`;
}

/** Integers with thousands separators (`1 234 567`), others to three significant digits. */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return Number(v.toPrecision(3)).toString();
}

/** Milliseconds: `12.5 ms`, `1.20 s` past a second. */
export function formatMs(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return `${Number(v.toPrecision(3))} ms`;
}

/** A UTC timestamp (ms) as `2026-01-05 10:00` (seconds when not zero). */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`}`;
}

/**
 * A chart's time-axis label for a tick `ms`, ticks `incrMs` apart: UTC, 24-hour `14:35`, with
 * seconds `14:35:20` when ticks are under a minute apart (minutes alone would repeat), and the date
 * `11-21` at midnight or when ticks are a day or more apart.
 */
export function timeTick(ms: number, incrMs: number): string {
  const iso = new Date(ms).toISOString();
  if (incrMs >= 86_400_000 || iso.slice(11, 19) === '00:00:00') return iso.slice(5, 10);
  return iso.slice(11, incrMs < 60_000 ? 19 : 16);
}
