import type { ServerConfig } from '../../server/config.js';
import { QueryError, SqlState } from '../errors.js';
import { statementTimeoutError, userCancelError } from './cancel.js';
import { type Clock, systemClock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

export type QueryLimitsConfig = Pick<
  ServerConfig,
  'queryRate' | 'queryBurst' | 'maxConcurrentQueries' | 'maxRowsScanned' | 'queryTimeoutMs'
>;

/** A query's abort signal (client or timeout); dispose it when the query ends. */
export interface QuerySignal {
  readonly signal: AbortSignal;
  /** Clears the timer and stops listening to the client's signal (which may outlive the query). */
  dispose(): void;
}

const SWEEP_AT = 1024;

/**
 * Per-tenant limits the engine applies around each query: a token bucket on starting queries, a
 * cap on queries running at once, a cap on rows a query may scan, and a timeout. Over a limit →
 * QueryError 53400 saying which limit and when to retry.
 */
export class QueryLimits {
  /** Refusals by limit, and queries stopped by the timeout (counters). */
  readonly refused = { rate: 0, concurrency: 0, rows: 0 };
  timeouts = 0;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly active = new Map<string, number>();

  constructor(
    private readonly config: QueryLimitsConfig,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Queries of a tenant running now (gauge). */
  running(tenant: string): number {
    return this.active.get(tenant) ?? 0;
  }

  /** Admits a query of `tenant` or throws 53400; call the returned function when it ends. */
  admit(tenant: string): () => void {
    const { maxConcurrentQueries: max, queryRate: rate } = this.config;
    const running = this.running(tenant);
    if (running >= max) {
      this.refused.concurrency++;
      throw new QueryError(
        SqlState.configurationLimitExceeded,
        `too many concurrent queries for tenant "${tenant}": limit ${max}`,
        { hint: `${running} queries of this tenant are running; retry when one of them has finished` },
      );
    }
    const taken = this.bucket(tenant).take(this.clock.now());
    if (!taken.ok) {
      this.refused.rate++;
      throw new QueryError(
        SqlState.configurationLimitExceeded,
        `too many queries for tenant "${tenant}": limit ${rate} per second`,
        {
          hint: `retry in ${taken.retryAfterMs} ms`,
          detail: `bursts of up to ${this.config.queryBurst} queries are allowed`,
          retryAfterMs: taken.retryAfterMs,
        },
      );
    }
    this.active.set(tenant, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.running(tenant) - 1;
      if (left > 0) this.active.set(tenant, left);
      else this.active.delete(tenant);
    };
  }

  /** Throws 53400 when a query would scan more rows (the sum of its jobs' rows) than allowed. */
  checkRows(tenant: string, rows: number): void {
    const max = this.config.maxRowsScanned;
    if (rows <= max) return;
    this.refused.rows++;
    throw new QueryError(
      SqlState.configurationLimitExceeded,
      `query would scan ${rows} rows, over the limit of ${max} rows per query for tenant "${tenant}"`,
      { hint: 'narrow the time range or the devices (a device table instead of all_devices)' },
    );
  }

  /**
   * A signal that aborts when the client's does (57014 user request) or after `timeoutMs`
   * (57014 statement timeout); 0 or Infinity means no timeout.
   */
  signalFor(client: AbortSignal | undefined, timeoutMs = this.config.queryTimeoutMs): QuerySignal {
    const controller = new AbortController();
    let cancelTimer = () => {};
    const onClient = () =>
      controller.abort(client!.reason instanceof QueryError ? client!.reason : userCancelError());
    const dispose = () => {
      cancelTimer();
      client?.removeEventListener('abort', onClient);
    };
    controller.signal.addEventListener('abort', dispose, { once: true });
    if (client?.aborted) onClient();
    else {
      client?.addEventListener('abort', onClient, { once: true });
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        cancelTimer = this.clock.setTimer(timeoutMs, () => {
          this.timeouts++;
          controller.abort(statementTimeoutError(timeoutMs));
        });
      }
    }
    return { signal: controller.signal, dispose };
  }

  private bucket(tenant: string): TokenBucket {
    let bucket = this.buckets.get(tenant);
    if (bucket === undefined) {
      if (this.buckets.size >= SWEEP_AT) this.sweep();
      bucket = new TokenBucket(this.config.queryRate, this.config.queryBurst, this.clock.now());
      this.buckets.set(tenant, bucket);
    }
    return bucket;
  }

  /** Forgets full buckets: a new one starts full, so nothing changes but the memory. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [tenant, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(tenant);
  }
}
