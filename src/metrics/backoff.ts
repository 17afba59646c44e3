/** Reconnect delays: minMs, doubling on each failure up to maxMs; reset after a success. */
export class Backoff {
  private current: number;

  constructor(
    readonly minMs: number,
    readonly maxMs: number,
  ) {
    this.current = minMs;
  }

  /** The delay before the next attempt; doubles the one after. */
  next(): number {
    const delay = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return delay;
  }

  reset(): void {
    this.current = this.minMs;
  }
}
