import type { MetricsClock } from './clock.js';
import { Histogram } from './histogram.js';
import { Meter } from './meter.js';
import type { Tags } from './names.js';
import type { Reservoir } from './reservoir.js';
import type { Snapshot } from './snapshot.js';

/**
 * How long something takes and how often it happens: a histogram of durations in seconds plus a
 * meter of events. Either `time(fn)` (sync or async; a failure is timed too), or
 * `const t0 = timer.start(); …; timer.stop(t0)` where a closure would be in the way, or
 * `update(seconds)` for a duration measured elsewhere.
 */
export class Timer {
  readonly kind = 'timer';
  private readonly durations: Histogram;
  private readonly meter: Meter;

  constructor(
    readonly name: string,
    readonly tags: Tags,
    clock: MetricsClock,
    /** Measures `time`/`start`/`stop` durations (precise; the meter's clock may be coarse). */
    private readonly durationClock: MetricsClock,
    reservoir: Reservoir,
  ) {
    this.durations = new Histogram(name, tags, reservoir);
    this.meter = new Meter(name, tags, clock);
  }

  update(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) return;
    this.durations.update(seconds);
    this.meter.mark(1);
  }

  /** The clock's now, to pass to `stop`. */
  start(): number {
    return this.durationClock.now();
  }

  /** Records the time since `start()` returned `startedAt`; returns it in seconds. */
  stop(startedAt: number): number {
    const seconds = (this.durationClock.now() - startedAt) / 1000;
    this.update(seconds);
    return seconds;
  }

  /** Runs `fn` and records how long it took (for a promise: until it settles). Returns its result. */
  time<T>(fn: () => T): T {
    const startedAt = this.durationClock.now();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.stop(startedAt);
      throw err;
    }
    if (isPromiseLike(result)) {
      const record = () => this.stop(startedAt);
      result.then(record, record);
      return result;
    }
    this.stop(startedAt);
    return result;
  }

  get count(): number {
    return this.durations.count;
  }

  /** Seconds, summed over every recorded duration. */
  get sum(): number {
    return this.durations.sum;
  }

  snapshot(): Snapshot {
    return this.durations.snapshot();
  }

  get meanRate(): number {
    return this.meter.meanRate;
  }

  get m1Rate(): number {
    return this.meter.m1Rate;
  }

  get m5Rate(): number {
    return this.meter.m5Rate;
  }

  get m15Rate(): number {
    return this.meter.m15Rate;
  }
}

function isPromiseLike<T>(value: T): value is T & PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
