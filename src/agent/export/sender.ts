import type { FlowBatch } from '../../flow/batch.js';
import { agentNamePattern } from '../../ingest/agent-key.js';
import type { Logger } from '../../log/logger.js';
import { RateLimitedErrorLog } from '../../log/rate-limited.js';
import { type LogTarget, loggerOf, stderrLines } from '../../log/sink.js';
import { Backoff } from '../../metrics/backoff.js';
import { FlowBatchEncoder, newSessionId } from './batch-encode.js';
import { BatchPoster, type PostOutcome } from './http-post.js';
import { type QueueItem, SendQueue } from './send-queue.js';
import { type FlowSenderStats, newSenderStats } from './sender-stats.js';
import { Spool } from './spool.js';

export type { FlowSenderStats } from './sender-stats.js';

/**
 * The flowlens sender library (docs/agent-export.md): any Node program hands it FlowBatches and
 * it delivers them to a flowlens server — encoded in the flowlens batch format, POSTed over one
 * keep-alive HTTP(S) connection, one request at a time and in order, each retried until the
 * server acknowledges it (durable there). While the server is unreachable, failing (5xx) or slow
 * (timeout), batches go to a bounded on-disk spool and are sent from there, oldest first, with
 * exponential backoff; when the spool is full the oldest batches are dropped and counted. A 4xx
 * answer (other than 408 and 429) is final: the batch is dropped, counted and logged.
 */
export interface FlowSenderConfig {
  /** The server: http(s)://host:port, optionally with a path prefix (a reverse proxy's). */
  url: string;
  /** The agent's name: its flows are stored as this device (?device=), registered on first use. */
  device: string;
  /** Credentials: a bearer token, or a user and password (HTTP Basic). */
  token?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** Where batches wait while the server cannot take them; without it they wait in memory only. */
  spoolDir?: string | undefined;
  /** Bound of the spool (or, without spoolDir, of the memory queue); the oldest batches go first. */
  maxSpoolBytes: number;
  /** Batches held in memory before they are written to the spool. */
  maxMemoryBytes: number;
  /** A larger FlowBatch is sent as several requests. */
  maxRowsPerRequest: number;
  /** A request without an answer for this long is abandoned and retried. */
  timeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** https: PEM certificate(s) of the CA to trust (a private CA); default the system's. */
  ca?: string | Buffer | undefined;
  /** https: false accepts any certificate (testing only). */
  rejectUnauthorized: boolean;
  /** zstd level of the bodies (0: uncompressed). */
  level: number;
}

export const defaultFlowSenderConfig: Omit<FlowSenderConfig, 'url' | 'device'> = {
  maxSpoolBytes: 256 << 20,
  maxMemoryBytes: 16 << 20,
  maxRowsPerRequest: 50_000,
  timeoutMs: 30_000,
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
  rejectUnauthorized: true,
  level: 1,
};

export interface FlowSenderDeps {
  /** Where failures and recoveries are logged (rate-limited); default stderr. */
  log?: LogTarget;
  now?: () => number;
}

const MINUTE_MS = 60_000;

export class FlowSender {
  readonly config: FlowSenderConfig;
  /** This run's session id: the server recognizes a retried batch by it and its sequence number. */
  readonly session = newSessionId();
  private readonly encoder = new FlowBatchEncoder();
  private readonly poster: BatchPoster;
  private readonly log: Logger;
  private readonly errors: RateLimitedErrorLog;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly s = newSenderStats();
  private readonly queue: SendQueue;
  private seq = 0;
  private abort: AbortController | undefined;
  private started: Promise<void> | undefined;
  private loop: Promise<void> = Promise.resolve();
  private closing = false;
  private closed: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    config: Partial<FlowSenderConfig> & Pick<FlowSenderConfig, 'url' | 'device'>,
    deps: FlowSenderDeps = {},
  ) {
    this.config = { ...defaultFlowSenderConfig, ...config };
    const c = this.config;
    if (!agentNamePattern.test(c.device))
      throw new Error(
        `device ${JSON.stringify(c.device)}: expected 1-128 letters, digits, '.', '_' or '-' (a host name)`,
      );
    if (c.token !== undefined && c.user !== undefined)
      throw new Error('give either a token or a user and password, not both');
    const authorization =
      c.token !== undefined
        ? `Bearer ${c.token}`
        : c.user !== undefined
          ? `Basic ${Buffer.from(`${c.user}:${c.password ?? ''}`).toString('base64')}`
          : undefined;
    this.poster = new BatchPoster({ ...c, authorization });
    this.log = loggerOf(deps.log ?? stderrLines);
    this.errors = new RateLimitedErrorLog(this.log);
    this.backoff = new Backoff(c.minBackoffMs, c.maxBackoffMs);
    this.now = deps.now ?? Date.now;
    this.queue = new SendQueue({ ...c, spooling: c.spoolDir !== undefined }, this.s, this.errors);
  }

  /**
   * Opens the spool (taking its lock) and starts sending; send() and flush() start it too.
   * Rejects when the spool cannot be used (the sender then keeps batches in memory).
   */
  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  /**
   * Queues a batch's rows for delivery: they are encoded at once, so the caller may reuse the batch
   * when this returns. Rows without i_start_time get the current minute.
   */
  send(batch: FlowBatch): void {
    if (this.closing) throw new Error('the flow sender is closed');
    this.start().catch(() => {});
    const now = this.now();
    const startTime = now - (now % MINUTE_MS);
    const { maxRowsPerRequest, level } = this.config;
    for (let from = 0; from < batch.length; from += maxRowsPerRequest) {
      const to = Math.min(batch.length, from + maxRowsPerRequest);
      const seq = ++this.seq;
      this.queue.push(
        this.encoder.encode(batch, { session: this.session, seq, from, to, startTime, level }),
        to - from,
      );
    }
    this.queue.bound(this.s.failing);
    this.wakeUp?.();
  }

  /**
   * Resolves true once every batch queued so far (this run's and the spool's) is acknowledged by
   * the server or dropped; false if `timeoutMs` passes first (they stay queued).
   */
  async flush(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const target = this.queue.last;
    // The spool's batches are in the queue once it is open.
    await this.start().catch(() => {});
    return this.queue.until(target, timeoutMs);
  }

  /**
   * Stops sending (a request in flight is abandoned: it is sent again, and recognized, next time)
   * and writes every batch still in memory to the spool; without a spool they are dropped and
   * counted. Call flush() first to deliver what can be.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  stats(): FlowSenderStats {
    let rows = 0;
    let spoolBatches = 0;
    for (const item of this.queue.items) {
      rows += item.rows;
      if (item.entry !== undefined) spoolBatches++;
    }
    return {
      ...this.s,
      failures: { ...this.s.failures },
      rejected: { ...this.s.rejected },
      queuedBatches: this.queue.items.length,
      queuedRows: rows,
      spoolBatches,
    };
  }

  /** The URL batches are POSTed to. */
  get endpoint(): string {
    return this.poster.endpoint;
  }

  private async open(): Promise<void> {
    try {
      if (this.config.spoolDir === undefined) return;
      const spool = new Spool(this.config.spoolDir);
      const entries = await spool.open();
      this.queue.load(spool, entries);
      if (entries.length > 0)
        this.log.info(
          `${entries.length} spooled batches (${entries.reduce((n, e) => n + e.rows, 0)} rows) to send from ${spool.dir}`,
        );
    } catch (err) {
      this.s.lastError = `spool: ${(err as Error).message}`;
      this.errors.error('spool_unavailable', `${this.s.lastError}; batches are kept in memory only`);
      throw err;
    } finally {
      this.loop = this.run();
      this.queue.bound(this.s.failing);
    }
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      const item = this.queue.items[0];
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        });
        this.wakeUp = undefined;
        continue;
      }
      this.queue.inFlight = item;
      let body = item.body;
      if (body === undefined) {
        try {
          body = await this.queue.spool!.read(item.entry!);
        } catch (err) {
          this.queue.inFlight = undefined;
          this.queue.drop(item, `spool file ${item.entry!.file} unreadable: ${(err as Error).message}`);
          continue;
        }
      }
      this.abort = new AbortController();
      this.s.requests++;
      const outcome = await this.poster.post(body, this.abort.signal);
      this.queue.inFlight = undefined;
      if (outcome.kind === 'retry' && this.closing) break;
      await this.settle(item, outcome);
    }
  }

  private async settle(item: QueueItem, outcome: PostOutcome): Promise<void> {
    if (outcome.kind === 'ok') {
      if (this.s.failing) this.log.info(`flowlens server ${this.endpoint} takes batches again`);
      this.s.failing = false;
      this.backoff.reset();
      this.s.sentBatches++;
      this.s.sentRows += item.rows;
      this.s.sentBytes += item.bytes;
      if (outcome.duplicate) this.s.duplicateBatches++;
      this.queue.finish(item);
      return;
    }
    this.s.lastError = outcome.message;
    if (outcome.kind === 'reject') {
      this.s.rejectedBatches++;
      this.s.rejectedRows += item.rows;
      this.s.rejected[outcome.reason] = (this.s.rejected[outcome.reason] ?? 0) + 1;
      this.errors.error(
        'batch_rejected',
        `batch of ${item.rows} rows refused, not retried: ${outcome.message}`,
        {
          code: outcome.reason,
        },
      );
      this.queue.finish(item);
      return;
    }
    this.s.failing = true;
    this.s.failures[outcome.reason] = (this.s.failures[outcome.reason] ?? 0) + 1;
    const delay = Math.min(this.config.maxBackoffMs, Math.max(this.backoff.next(), outcome.retryAfterMs));
    this.errors.error(
      'send_failed',
      `cannot deliver to ${this.endpoint} (${outcome.message}); spooling, retrying in ${delay} ms`,
      { reason: outcome.reason },
    );
    await this.queue.spill();
    await this.sleep(delay * (0.8 + 0.4 * Math.random()));
  }

  private sleep(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).then(() => {
      this.wakeUp = undefined;
    });
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.abort?.abort();
    this.wakeUp?.();
    await this.started?.catch(() => {});
    await this.loop;
    await this.queue.close();
    this.poster.close();
    this.errors.flush();
  }
}

/** A FlowSender with the defaults for what `config` leaves out (see FlowSenderConfig); call close() when done. */
export function createFlowSender(
  config: Partial<FlowSenderConfig> & Pick<FlowSenderConfig, 'url' | 'device'>,
  deps: FlowSenderDeps = {},
): FlowSender {
  return new FlowSender(config, deps);
}
