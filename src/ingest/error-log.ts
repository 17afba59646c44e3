/** Where log lines go (stderr in the server, an array in tests). */
export type LogSink = (line: string) => void;

export interface ErrorLogConfig {
  /** At most one line per reason per this many milliseconds, after the first occurrence. */
  intervalMs: number;
}

export const defaultErrorLogConfig: ErrorLogConfig = { intervalMs: 10_000 };

interface ReasonState {
  lastLogged: number;
  suppressed: number;
}

/**
 * Logs errors by reason without flooding: the first occurrence of each reason is logged at once,
 * later ones at most once per interval, with the count of those suppressed in between. A burst
 * of a million bad packets costs one map lookup each and a handful of lines.
 */
export class RateLimitedErrorLog {
  private readonly reasons = new Map<string, ReasonState>();

  constructor(
    private readonly write: LogSink,
    private readonly config: ErrorLogConfig = defaultErrorLogConfig,
    private readonly now: () => number = Date.now,
  ) {}

  error(reason: string, detail: string): void {
    const t = this.now();
    const state = this.reasons.get(reason);
    if (state === undefined) {
      this.reasons.set(reason, { lastLogged: t, suppressed: 0 });
      this.write(
        `error ${reason}: ${detail} (first occurrence; repeats are logged at most every ${this.seconds()})`,
      );
      return;
    }
    if (t - state.lastLogged < this.config.intervalMs) {
      state.suppressed++;
      return;
    }
    const more = state.suppressed > 0 ? ` (+${state.suppressed} more since the last line)` : '';
    this.write(`error ${reason}: ${detail}${more}`);
    state.lastLogged = t;
    state.suppressed = 0;
  }

  /** Logs the counts still suppressed (at shutdown), so no occurrence goes unmentioned. */
  flush(): void {
    for (const [reason, state] of this.reasons) {
      if (state.suppressed === 0) continue;
      this.write(`error ${reason}: ${state.suppressed} more occurrences since the last line`);
      state.suppressed = 0;
      state.lastLogged = this.now();
    }
  }

  private seconds(): string {
    return `${this.config.intervalMs / 1000}s`;
  }
}
