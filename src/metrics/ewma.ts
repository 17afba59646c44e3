/**
 * An exponentially weighted moving average of a rate, as Dropwizard Metrics computes it
 * (com.codahale.metrics.EWMA): events are added to `uncounted`; every 5 s tick turns them into an
 * instant rate (events / 5 s) and moves the average toward it by alpha = 1 − exp(−5 / 60 / N)
 * for an N-minute average. The first tick sets the average to the instant rate outright.
 */

/** Seconds between ticks. */
export const tickSeconds = 5;
export const tickMs = tickSeconds * 1000;

/** Dropwizard's alpha for an N-minute moving average ticked every 5 s. */
export function ewmaAlpha(minutes: number): number {
  return 1 - Math.exp(-tickSeconds / 60 / minutes);
}

export class Ewma {
  private initialized = false;
  /** Events per second. */
  private current = 0;

  constructor(readonly alpha: number) {}

  /** One 5 s tick in which `count` events happened; returns whether the rate changed. */
  tick(count: number): boolean {
    const before = this.current;
    const instantRate = count / tickSeconds;
    if (this.initialized) this.current += this.alpha * (instantRate - this.current);
    else {
      this.current = instantRate;
      this.initialized = true;
    }
    return this.current !== before;
  }

  /** Events per second. */
  get rate(): number {
    return this.current;
  }
}
