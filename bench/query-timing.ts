import { loadavg } from 'node:os';
import { round } from './store-ingest.js';

/** Wall times of repeated runs of one query on one system, with the load average around them. */
export interface Timed {
  runs_ms: number[];
  min_ms: number;
  median_ms: number;
  /** 1-minute load average before the first run and after the last. */
  load_average: [number, number];
}

export interface TimedResult<T> {
  timed: Timed;
  /** What the last run returned. */
  last: T;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `before` (untimed) then `fn` (timed) `runs` times. */
export async function timeRuns<T>(
  runs: number,
  fn: () => Promise<T>,
  before: () => void | Promise<void> = () => {},
): Promise<TimedResult<T>> {
  const load0 = loadavg()[0]!;
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    await before();
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return {
    timed: {
      runs_ms: times.map((t) => round(t, 2)),
      min_ms: round(Math.min(...times), 2),
      median_ms: round(median(times), 2),
      load_average: [round(load0, 2), round(loadavg()[0]!, 2)],
    },
    last: last as T,
  };
}
