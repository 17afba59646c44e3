/**
 * One run's deadline: the spec's timeout and the caller's abort signal folded into one signal, and
 * the stable error code that says which of the two ended the run.
 */
export class RunDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.end('aborted');
  /** 'timeout' or 'aborted' once the run has been cut short, else ''. */
  code = '';

  constructor(
    timeoutMs: number,
    private readonly outer: AbortSignal,
  ) {
    // setTimeout takes at most 2^31-1 ms (and turns more, or NaN, into 1 ms).
    const ms = Number.isFinite(timeoutMs) ? Math.min(Math.max(0, timeoutMs), 2 ** 31 - 1) : 2 ** 31 - 1;
    this.timer = setTimeout(() => this.end('timeout'), ms);
    if (outer.aborted) this.end('aborted');
    else outer.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the timer and forgets the outer signal; call once the run is over. */
  dispose(): void {
    clearTimeout(this.timer);
    this.outer.removeEventListener('abort', this.onAbort);
  }

  /** A promise that settles with `promise` or with the deadline's code, whichever is first. */
  race<T>(promise: Promise<T>): Promise<T | { readonly deadline: string }> {
    if (this.code !== '') return Promise.resolve({ deadline: this.code });
    return new Promise((resolve, reject) => {
      const stop = () => resolve({ deadline: this.code });
      this.signal.addEventListener('abort', stop, { once: true });
      promise.then(
        (v) => {
          this.signal.removeEventListener('abort', stop);
          resolve(v);
        },
        (err: unknown) => {
          this.signal.removeEventListener('abort', stop);
          reject(err);
        },
      );
    });
  }

  private end(code: string): void {
    if (this.code !== '') return;
    this.code = code;
    clearTimeout(this.timer);
    this.controller.abort();
  }
}
