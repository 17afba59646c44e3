import { newSessionId } from '../../agent/export/batch-encode.js';
import { BatchPoster, type PostOutcome } from '../../agent/export/http-post.js';
import { type QueueItem, SendQueue } from '../../agent/export/send-queue.js';
import { type FlowSenderStats, newSenderStats } from '../../agent/export/sender-stats.js';
import { Spool } from '../../agent/export/spool.js';
import type { Logger } from '../../log/logger.js';
import { RateLimitedErrorLog } from '../../log/rate-limited.js';
import { Backoff } from '../../metrics/backoff.js';
import type { TestResult } from '../contract.js';
import { encodeResultBatch, RESULTS_MEDIA_TYPE } from '../result-batch.js';

export interface ResultSenderConfig {
  /** The server's base URL. */
  readonly url: string;
  /** The agent id its registration answered, and its token. */
  readonly agent: string;
  readonly token: string;
  /** Where batches wait while the server cannot take them; without it, in memory only. */
  readonly spoolDir?: string | undefined;
  /** Bound of the spool (or, without one, of the memory queue): past it the oldest batches are dropped. */
  readonly maxSpoolBytes: number;
  /** Batches held in memory before they go to the spool. */
  readonly maxMemoryBytes: number;
  readonly timeoutMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly ca?: string | Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

/** Answers that mean "register again", not "this batch is bad": the batch waits. */
const authProblems = new Set(['unknown_agent', 'agent_pending', '28000', '28P01']);

/**
 * Delivers result batches to POST /api/v1/synth/results, one request at a time, oldest first,
 * each retried until acknowledged; built from the flow sender's parts (src/agent/export: the
 * memory/spool queue with its bounds, the spool directory, the keep-alive poster). While the
 * server is unreachable batches wait — in memory, then in the spool — and the oldest are dropped
 * (counted) past the bounds. A batch refused for good (400) is dropped and counted; an answer
 * saying the agent is unknown or pending keeps the batch and asks the agent to register again.
 */
export class ResultSender {
  readonly session = newSessionId();
  private readonly s = newSenderStats();
  private readonly queue: SendQueue;
  private readonly poster: BatchPoster;
  private readonly errors: RateLimitedErrorLog;
  private readonly backoff: Backoff;
  private seq = 0;
  private encoding: Promise<void> = Promise.resolve();
  private started: Promise<void> | undefined;
  private loop: Promise<void> = Promise.resolve();
  private closing = false;
  private abort: AbortController | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    readonly config: ResultSenderConfig,
    private readonly deps: { readonly log: Logger; readonly onAuthProblem: (code: string) => void },
  ) {
    this.poster = new BatchPoster({
      url: config.url,
      device: '',
      authorization: `Bearer ${config.token}`,
      timeoutMs: config.timeoutMs,
      ca: config.ca,
      rejectUnauthorized: config.rejectUnauthorized,
      endpoint: { path: 'api/v1/synth/results', query: { agent: config.agent } },
      headers: { 'content-type': RESULTS_MEDIA_TYPE, 'content-encoding': 'gzip' },
    });
    this.errors = new RateLimitedErrorLog(deps.log);
    this.backoff = new Backoff(config.minBackoffMs, config.maxBackoffMs);
    this.queue = new SendQueue(
      {
        spooling: config.spoolDir !== undefined,
        maxSpoolBytes: config.maxSpoolBytes,
        maxMemoryBytes: config.maxMemoryBytes,
      },
      this.s,
      this.errors,
    );
  }

  /** Opens the spool (its batches of earlier runs are sent first) and starts sending. */
  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  /** Queues a batch of results; resolves once it is encoded and queued (in order of the calls). */
  send(results: readonly TestResult[]): Promise<void> {
    if (this.closing || results.length === 0) return this.encoding;
    const seq = ++this.seq;
    this.encoding = this.encoding.then(async () => {
      const body = await encodeResultBatch({ session: this.session, seq, results: results.length }, results);
      this.queue.push(body, results.length);
      this.queue.bound(this.s.failing);
      this.wakeUp?.();
    });
    return this.encoding;
  }

  /** Resolves true once everything queued so far is acknowledged (or dropped); false after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    await this.encoding;
    await this.start().catch(() => {});
    return this.queue.until(this.queue.last, timeoutMs);
  }

  /** Stops sending; what is in memory goes to the spool (dropped and counted without one). */
  async close(): Promise<void> {
    if (this.closing) return;
    await this.encoding;
    this.closing = true;
    this.abort?.abort();
    this.wakeUp?.();
    await this.started?.catch(() => {});
    await this.loop;
    await this.queue.close();
    this.poster.close();
    this.errors.flush();
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

  private async open(): Promise<void> {
    try {
      if (this.config.spoolDir === undefined) return;
      const spool = new Spool(this.config.spoolDir);
      const entries = await spool.open();
      this.queue.load(spool, entries);
      if (entries.length > 0)
        this.deps.log.info(
          `${entries.length} spooled result batches (${entries.reduce((n, e) => n + e.rows, 0)} results) to send from ${spool.dir}`,
        );
    } catch (err) {
      this.s.lastError = `spool: ${(err as Error).message}`;
      this.errors.error('spool_unavailable', `${this.s.lastError}; results are kept in memory only`);
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
      if (this.s.failing) this.deps.log.info(`the server takes results again (${this.poster.endpoint})`);
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
    if (outcome.kind === 'reject' && !authProblems.has(outcome.reason)) {
      this.s.rejectedBatches++;
      this.s.rejectedRows += item.rows;
      this.s.rejected[outcome.reason] = (this.s.rejected[outcome.reason] ?? 0) + 1;
      this.errors.error('batch_rejected', `a batch of ${item.rows} results was refused: ${outcome.message}`, {
        code: outcome.reason,
      });
      this.queue.finish(item);
      return;
    }
    this.s.failing = true;
    this.s.failures[outcome.reason] = (this.s.failures[outcome.reason] ?? 0) + 1;
    if (outcome.kind === 'reject') this.deps.onAuthProblem(outcome.reason);
    const retryAfter = outcome.kind === 'retry' ? outcome.retryAfterMs : 0;
    const delay = Math.min(this.config.maxBackoffMs, Math.max(this.backoff.next(), retryAfter));
    this.errors.error('send_failed', `cannot deliver results (${outcome.message}); retrying in ${delay} ms`, {
      reason: outcome.reason,
    });
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
}
