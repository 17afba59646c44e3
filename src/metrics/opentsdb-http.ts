import type { Logger } from '../log/logger.js';
import { loggerOf } from '../log/sink.js';
import { Backoff } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import type { TsdbPoint } from './opentsdb-points.js';
import { newSenderStats, type SenderDeps, type SenderOptions } from './opentsdb-telnet.js';

/** Points per request. */
const postBatch = 1000;
const requestTimeoutMs = 10_000;

/**
 * OpenTSDB `POST /api/put` with JSON arrays of points. Points wait in a bounded queue and leave
 * it only once the receiver answered 2xx. A network error, a timeout or a 5xx/408/429 keeps them
 * and retries after a backoff (doubling up to maxBackoffMs); another 4xx means the points are
 * bad: they are dropped and counted as rejected, never retried. State changes are logged once.
 */
export class HttpSender {
  readonly stats = newSenderStats();
  private readonly queue: BoundedQueue<TsdbPoint>;
  private readonly backoff: Backoff;
  private inFlight: Promise<void> | undefined;
  private cancelRetry: (() => void) | undefined;
  /** Set by stop(): failures are no longer retried. */
  private stopping = false;
  /** Set when stop() gave up: nothing more is sent, the request in flight is aborted. */
  private readonly aborted = new AbortController();
  private wasDown = false;
  private readonly log: Logger;

  constructor(
    readonly url: string,
    private readonly deps: SenderDeps,
    options: SenderOptions,
  ) {
    this.log = loggerOf(deps.log);
    this.queue = new BoundedQueue(options.maxBuffered);
    this.backoff = new Backoff(options.minBackoffMs, options.maxBackoffMs);
  }

  get buffered(): number {
    return this.queue.size;
  }

  send(points: readonly TsdbPoint[]): void {
    for (const p of points) this.stats.dropped += this.queue.push(p);
    if (this.cancelRetry === undefined) void this.flush();
  }

  /** One last attempt at what is queued, bounded by `timeoutMs`; no retries after it. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.flush(), timedOut]);
    clearTimeout(timer);
    this.aborted.abort();
  }

  /** Sends batches until the queue is empty or a request fails; one flush at a time. */
  flush(): Promise<void> {
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.aborted.signal.aborted) {
      const { items, firstSeq } = this.queue.peek(postBatch);
      let status: number;
      let body = '';
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(items),
          signal: AbortSignal.any([AbortSignal.timeout(requestTimeoutMs), this.aborted.signal]),
        });
        status = res.status;
        if (status >= 300) body = (await res.text()).slice(0, 200);
        else await res.arrayBuffer();
      } catch (err) {
        this.failed((err as Error).message);
        return;
      }
      if (status < 300) {
        this.stats.sent += this.queue.removeBefore(firstSeq + items.length);
        this.up();
      } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        this.stats.rejected += this.queue.removeBefore(firstSeq + items.length);
        this.log.warn(`opentsdb http ${this.url}: ${status} ${body}: ${items.length} points rejected`, {
          reason: 'opentsdb_rejected',
        });
        this.up();
      } else {
        this.failed(`HTTP ${status} ${body}`);
        return;
      }
    }
  }

  private up(): void {
    this.stats.connected = true;
    this.backoff.reset();
    if (this.wasDown) this.log.info(`opentsdb http ${this.url}: sending again`);
    this.wasDown = false;
  }

  private failed(message: string): void {
    this.stats.connected = false;
    this.stats.failures++;
    this.stats.lastError = message;
    if (this.stopping) return;
    const delay = this.backoff.next();
    if (!this.wasDown)
      this.log.warn(
        `opentsdb http ${this.url}: ${message}; buffering up to ${this.queue.capacity} points, retrying (backoff from ${delay} ms)`,
        { reason: 'opentsdb_down' },
      );
    this.wasDown = true;
    this.cancelRetry = this.deps.clock.setTimer(delay, () => {
      this.cancelRetry = undefined;
      void this.flush();
    });
  }
}
