/**
 * A cumulative counter sampled over time: its increase over the last minute, its rate, and when
 * it last went up. The health monitor samples every 5 s and on every check; all the windows of a
 * component are sampled at the same instants, so their `lastIncreaseAt` can be compared ("did a
 * write succeed after the last failure?"). A counter that goes down (restarted) starts afresh.
 */
export class CounterWindow {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  /** The time of the sample that first showed the latest increase; undefined if never. */
  lastIncreaseAt: number | undefined;

  constructor(
    private readonly spanMs = 60_000,
    /** Bounds memory when checks come faster than the span needs (the oldest go first). */
    private readonly maxSamples = 128,
  ) {}

  record(now: number, value: number): void {
    const n = this.times.length;
    if (n > 0 && value < this.values[n - 1]!) {
      this.times.length = 0;
      this.values.length = 0;
    } else if (n > 0 && value > this.values[n - 1]!) this.lastIncreaseAt = now;
    this.times.push(now);
    this.values.push(value);
    // Keep one sample at or before the window's start as the base of the differences.
    while (
      this.times.length > 2 &&
      (this.times[1]! <= now - this.spanMs || this.times.length > this.maxSamples)
    ) {
      this.times.shift();
      this.values.shift();
    }
  }

  /** The latest value (0 before any sample). */
  get value(): number {
    return this.values.at(-1) ?? 0;
  }

  /** Increase over the window (about the last minute). */
  delta(): number {
    return this.values.length < 2 ? 0 : this.values.at(-1)! - this.values[0]!;
  }

  /** Increase per second over the window; 0 until two samples exist. */
  rate(): number {
    if (this.times.length < 2) return 0;
    const seconds = (this.times.at(-1)! - this.times[0]!) / 1000;
    return seconds <= 0 ? 0 : this.delta() / seconds;
  }
}
