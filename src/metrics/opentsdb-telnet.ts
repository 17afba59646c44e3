import net from 'node:net';
import type { Logger } from '../log/logger.js';
import { type LogTarget, loggerOf } from '../log/sink.js';
import { Backoff } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import type { TimerClock } from './clock.js';

export interface SenderDeps {
  readonly clock: TimerClock;
  readonly log: LogTarget;
}

export interface SenderOptions {
  /** Lines (telnet) or points (HTTP) held while the receiver is down; the oldest go first. */
  readonly maxBuffered: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface SenderStats {
  sent: number;
  /** Dropped from a full buffer. */
  dropped: number;
  /** Refused by the receiver as bad (HTTP 4xx); not retried. */
  rejected: number;
  connected: boolean;
  failures: number;
  lastError: string | undefined;
}

export function newSenderStats(): SenderStats {
  return { sent: 0, dropped: 0, rejected: 0, connected: false, failures: 0, lastError: undefined };
}

/** Lines per socket write. */
const writeBatch = 512;

/**
 * OpenTSDB telnet `put` lines over one long-lived TCP connection. Lines wait in a bounded queue;
 * while connected they are written as they come (respecting the socket's backpressure). When
 * the connection fails or closes, it is retried after a backoff (doubling up to maxBackoffMs).
 * The protocol has no acknowledgements: lines written just before the receiver dies are lost.
 * State changes (down, up again) are logged once each, not every retry.
 */
export class TelnetSender {
  readonly stats = newSenderStats();
  private readonly queue: BoundedQueue<string>;
  private readonly backoff: Backoff;
  private socket: net.Socket | undefined;
  private writable = false;
  private stopped = false;
  private cancelRetry: (() => void) | undefined;
  private wasDown = false;
  private readonly log: Logger;

  constructor(
    readonly host: string,
    readonly port: number,
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

  start(): void {
    this.connect();
  }

  send(lines: readonly string[]): void {
    for (const line of lines) this.stats.dropped += this.queue.push(line);
    this.flush();
  }

  /**
   * Writes what is queued and ends the connection (waiting for one still being made); gives up
   * after `timeoutMs`. While the receiver is down, what is buffered is lost.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.cancelRetry?.();
    const socket = this.socket;
    if (socket === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (socket.connecting)
      await Promise.race([
        new Promise<void>((resolve) => socket.once('connect', () => resolve())),
        closed,
        timedOut,
      ]);
    this.flush();
    socket.end();
    await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    socket.destroy();
  }

  private connect(): void {
    if (this.stopped || this.socket !== undefined) return;
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.unref();
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.writable = true;
      this.stats.connected = true;
      this.backoff.reset();
      if (this.wasDown) this.log.info(`opentsdb telnet ${this.where}: connected again`);
      this.wasDown = false;
      this.flush();
    });
    // The receiver answers only errors (OpenTSDB) or nothing; read and drop them.
    socket.on('data', () => {});
    socket.on('drain', () => {
      this.writable = true;
      this.flush();
    });
    socket.on('error', (err) => {
      this.stats.lastError = err.message;
    });
    socket.on('close', () => {
      this.socket = undefined;
      this.writable = false;
      this.stats.connected = false;
      if (this.stopped) return;
      this.stats.failures++;
      const delay = this.backoff.next();
      if (!this.wasDown)
        this.log.warn(
          `opentsdb telnet ${this.where}: ${this.stats.lastError ?? 'connection closed'}; ` +
            `buffering up to ${this.queue.capacity} lines, retrying (backoff from ${delay} ms)`,
          { reason: 'opentsdb_down' },
        );
      this.wasDown = true;
      this.cancelRetry = this.deps.clock.setTimer(delay, () => {
        this.cancelRetry = undefined;
        this.connect();
      });
    });
  }

  private flush(): void {
    const socket = this.socket;
    while (this.writable && socket !== undefined && this.queue.size > 0) {
      const lines = this.queue.take(writeBatch);
      this.stats.sent += lines.length;
      if (!socket.write(lines.join(''))) this.writable = false;
    }
  }

  private get where(): string {
    return `${this.host}:${this.port}`;
  }
}
