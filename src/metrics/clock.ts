/**
 * Time as the metrics see it, injectable so tests drive it by hand (test/helpers/manual-clock.ts
 * fits both interfaces). `now()` is in milliseconds since the epoch, fractional where the clock
 * has the resolution.
 */
export interface MetricsClock {
  now(): number;
}

/** A clock that also schedules (the exporters' intervals and reconnect backoff). */
export interface TimerClock extends MetricsClock {
  /** Calls `fn` after `ms`; the returned function cancels it. Must not keep the process alive. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** How often the coarse clock's cell is refreshed. */
export const coarseResolutionMs = 10;

const cell = new Float64Array(1);
let refresher: NodeJS.Timeout | undefined;

function preciseNow(): number {
  const t = performance.timeOrigin + performance.now();
  cell[0] = t;
  return t;
}

/**
 * Monotonic (performance.now(), so durations never go backwards when NTP steps the wall clock),
 * epoch-based, sub-millisecond: for durations (timers). Reading it allocates a heap number, as
 * every clock read in V8 does; each read also refreshes the coarse clock.
 */
export const monotonicClock: MetricsClock = { now: preciseNow };

/**
 * The clock of the hot path (meter ticks, reservoir weights): reading it is one typed-array
 * load and allocates nothing. It lags the monotonic clock by at most `coarseResolutionMs`
 * while the event loop turns (an unref'd interval refreshes it), and by as long as synchronous
 * work runs without timing anything (every monotonic read refreshes it too).
 */
export const coarseClock: MetricsClock = {
  now: () => cell[0]!,
};

/** Starts the coarse clock's refresher (idempotent; unref'd, so it never keeps a process alive). */
export function startCoarseClock(): void {
  if (refresher !== undefined) return;
  preciseNow();
  refresher = setInterval(preciseNow, coarseResolutionMs);
  refresher.unref();
}

/** Wall-clock time and unref'd timers, for the exporters (their points carry wall-clock stamps). */
export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
