/**
 * The Explorer's time range: a relative preset (last 5 minutes … 30 days, refreshed live) or an
 * absolute [from, to). Resolved at query time into a window of whole buckets: flows are stamped
 * with their minute (i_start_time), so a step is never under a minute, and a range is cut into at
 * most ~300 steps.
 */

export const presets = [
  { id: '5m', label: 'Last 5 minutes', seconds: 300 },
  { id: '15m', label: 'Last 15 minutes', seconds: 900 },
  { id: '1h', label: 'Last hour', seconds: 3600 },
  { id: '6h', label: 'Last 6 hours', seconds: 21_600 },
  { id: '24h', label: 'Last 24 hours', seconds: 86_400 },
  { id: '7d', label: 'Last 7 days', seconds: 604_800 },
  { id: '30d', label: 'Last 30 days', seconds: 2_592_000 },
] as const;

export type PresetId = (typeof presets)[number]['id'];

export type RangeSpec =
  | { readonly kind: 'relative'; readonly preset: PresetId }
  | { readonly kind: 'absolute'; readonly from: number; readonly to: number };

/** A resolved range: [from, to) in ms, the bucket width, and up to when data can exist. */
export interface Window {
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
  /** min(to, now): the end of the time data covers (the rates divide by end - from). */
  readonly end: number;
}

const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];
const MINUTE = 60_000;

export function stepFor(rangeSeconds: number): number {
  const want = rangeSeconds / 300;
  return steps.find((s) => s >= want) ?? steps[steps.length - 1]!;
}

export function presetOf(id: string): (typeof presets)[number] | undefined {
  return presets.find((p) => p.id === id);
}

/**
 * A relative range ends at the end of the current minute (so the minute being received is in)
 * and starts on a step boundary; an absolute one is taken as given, clipped to whole minutes.
 */
export function resolveRange(range: RangeSpec, now: number): Window {
  if (range.kind === 'relative') {
    const seconds = presetOf(range.preset)!.seconds;
    const step = stepFor(seconds);
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const from = Math.floor((to - seconds * 1000) / (step * 1000)) * step * 1000;
    return { from, to, stepSeconds: step, end: Math.max(from + 1000, Math.min(to, now)) };
  }
  const from = Math.floor(range.from / MINUTE) * MINUTE;
  const to = Math.max(from + MINUTE, Math.ceil(range.to / MINUTE) * MINUTE);
  return {
    from,
    to,
    stepSeconds: stepFor((to - from) / 1000),
    end: Math.max(from + 1000, Math.min(to, now)),
  };
}

/** Seconds the rates of the whole range divide by: the time data can cover, whole seconds. */
export function coveredSeconds(w: Window): number {
  return Math.max(1, Math.round((w.end - w.from) / 1000));
}

/** How often a relative range refreshes: half a step, between 15 s and 5 minutes. */
export function refreshSeconds(range: RangeSpec): number {
  if (range.kind !== 'relative') return 0;
  const step = stepFor(presetOf(range.preset)!.seconds);
  return Math.min(300, Math.max(15, step / 2));
}
