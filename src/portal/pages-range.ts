import { type PresetId, presetOf, type RangeSpec } from './explorer-range.js';

/**
 * The time range of the Devices, Synthetic tests and Ops pages: the Explorer's (explorer-range.ts)
 * and in the same URL form — a relative `range=1h` (the last hour, refreshed live) or an absolute
 * `from=…&to=…` (ISO 8601, UTC) — so links between the pages keep it. Synthetic results and the
 * metrics table are stamped to the millisecond, so these pages resolve it to the exact
 * [from, to) rather than to whole minutes.
 */

/** A resolved range: [fromMs, toMs) in ms since the epoch; `live` for relative ranges. */
export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
  readonly live: boolean;
}

/** The range of a query string; `fallback` when it names none (or a bad one). */
export function rangeFromSearch(search: URLSearchParams, fallback: PresetId = '1h'): RangeSpec {
  const from = Date.parse(search.get('from') ?? '');
  const to = Date.parse(search.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: 'absolute', from, to };
  const preset = presetOf(search.get('range') ?? '');
  return { kind: 'relative', preset: preset?.id ?? fallback };
}

/** Writes `range` into a copy of `search` (dropping the other form). */
export function rangeToSearch(range: RangeSpec, search: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(search);
  out.delete('range');
  out.delete('from');
  out.delete('to');
  if (range.kind === 'relative') out.set('range', range.preset);
  else {
    out.set('from', new Date(range.from).toISOString());
    out.set('to', new Date(range.to).toISOString());
  }
  return out;
}

export function resolveWindow(range: RangeSpec, nowMs: number): Window {
  if (range.kind === 'absolute') return { fromMs: range.from, toMs: range.to, live: false };
  return { fromMs: nowMs - presetOf(range.preset)!.seconds * 1000, toMs: nowMs, live: true };
}

const niceSeconds = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/**
 * The bucket width (seconds) for a chart of `window`: the smallest nice width of at least
 * `minSeconds` that gives at most `maxPoints` buckets.
 */
export function bucketSeconds(window: Window, minSeconds = 1, maxPoints = 300): number {
  const want = Math.max(minSeconds, (window.toMs - window.fromMs) / 1000 / maxPoints);
  return niceSeconds.find((s) => s >= want) ?? Math.ceil(want / 86_400) * 86_400;
}
