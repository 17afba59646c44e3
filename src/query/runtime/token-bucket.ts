/**
 * A token bucket: `burst` tokens at most, refilled at `rate` per second. Time is passed in (ms),
 * so the caller's clock decides.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updated = now;
  }

  /** Takes a token if there is one; otherwise returns the ms until there will be (and takes none). */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    // Rounded up to whole ms, past the float noise of the refill arithmetic.
    const wait = ((1 - this.tokens) * 1000) / this.rate;
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(wait - 1e-6)) };
  }

  /** True when the bucket is full: it can be forgotten and recreated without changing behaviour. */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    if (now > this.updated) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.rate);
    }
    this.updated = Math.max(this.updated, now);
  }
}
