import type { LogFields } from './levels.js';
import type { Logger } from './logger.js';
import { type LogTarget, loggerOf } from './sink.js';

export interface ErrorLogConfig {
  /** At most one line per reason per this many milliseconds, after the first occurrence. */
  intervalMs: number;
}

export const defaultErrorLogConfig: ErrorLogConfig = { intervalMs: 10_000 };

interface ReasonState {
  lastLogged: number;
  suppressed: number;
  total: number;
}

/**
 * Error lines by reason without flooding: the first occurrence of a reason is logged at once,
 * later ones at most once per interval with `suppressed` (how many were not logged since the
 * previous line of that reason); `flush` (at shutdown) reports what is still suppressed. Every
 * call is counted (`counts`). A burst of a million bad packets costs one map lookup each and a
 * handful of lines. Lines are at level error with the field `reason`, plus the call's fields.
 */
export class RateLimitedErrorLog {
  private readonly reasons = new Map<string, ReasonState>();
  private readonly log: Logger;

  constructor(
    log: LogTarget,
    private readonly config: ErrorLogConfig = defaultErrorLogConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.log = loggerOf(log);
  }

  error(reason: string, msg: string, fields?: LogFields): void {
    const t = this.now();
    const state = this.reasons.get(reason);
    if (state === undefined) {
      this.reasons.set(reason, { lastLogged: t, suppressed: 0, total: 1 });
      this.log.error(msg, { reason, ...fields });
      return;
    }
    state.total++;
    if (t - state.lastLogged < this.config.intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state.suppressed;
    this.log.error(msg, suppressed > 0 ? { reason, ...fields, suppressed } : { reason, ...fields });
    state.lastLogged = t;
    state.suppressed = 0;
  }

  /** Logs the counts still suppressed (at shutdown), so that no occurrence goes unmentioned. */
  flush(): void {
    for (const [reason, state] of this.reasons) {
      if (state.suppressed === 0) continue;
      this.log.error(`${state.suppressed} more ${reason} errors since the last line`, {
        reason,
        suppressed: state.suppressed,
      });
      state.suppressed = 0;
      state.lastLogged = this.now();
    }
  }

  /** Every call so far, logged or not, by reason. */
  counts(): Map<string, number> {
    return new Map([...this.reasons].map(([reason, s]) => [reason, s.total]));
  }
}
