import type { RateLimitedErrorLog } from '../../log/rate-limited.js';
import type { FlowSenderStats } from './sender-stats.js';
import type { Spool, SpoolEntry } from './spool.js';

/** One encoded batch waiting for the server: in memory, in the spool, or both for a moment. */
export interface QueueItem {
  /** Creation order in this run; -1 for batches found in the spool at start. */
  readonly n: number;
  readonly rows: number;
  readonly bytes: number;
  body: Buffer | undefined;
  entry: SpoolEntry | undefined;
  done: boolean;
}

export interface QueueLimits {
  readonly spooling: boolean;
  readonly maxSpoolBytes: number;
  readonly maxMemoryBytes: number;
}

/**
 * The sender's queue, oldest first: what is held in memory and what in the spool, the bounds of
 * both (the oldest dropped past them, counted), and the flush() waiters. The head is sent by the
 * sender's loop and marked `inFlight` meanwhile: a bound never drops it.
 */
export class SendQueue {
  items: QueueItem[] = [];
  inFlight: QueueItem | undefined;
  spool: Spool | undefined;
  /** Spool ordinal of this run's item 0 (after the files found at start): files sort in queue order. */
  private base = 1;
  private created = 0;
  private spilling: Promise<void> = Promise.resolve();
  private waiters: { target: number; resolve: (ok: boolean) => void }[] = [];
  /** Spool files being removed (delivered batches): close waits for them. */
  private readonly removals = new Set<Promise<void>>();

  constructor(
    private readonly limits: QueueLimits,
    private readonly s: FlowSenderStats,
    private readonly errors: RateLimitedErrorLog,
  ) {}

  /** Puts the spool's batches ahead of this run's. */
  load(spool: Spool, entries: readonly SpoolEntry[]): void {
    this.spool = spool;
    this.base = (entries.at(-1)?.ordinal ?? 0) + 1;
    const found = entries.map((entry): QueueItem => {
      this.s.spoolBytes += entry.bytes;
      return { n: -1, rows: entry.rows, bytes: entry.bytes, body: undefined, entry, done: false };
    });
    this.items = [...found, ...this.items];
    this.makeRoom(0);
  }

  push(body: Buffer, rows: number): void {
    this.items.push({ n: this.created++, rows, bytes: body.length, body, entry: undefined, done: false });
    this.s.batches++;
    this.s.rows += rows;
    this.s.memoryBytes += body.length;
  }

  /** The number of the last item pushed so far (flush() waits for it and everything before). */
  get last(): number {
    return this.created - 1;
  }

  /** Resolves true once no item up to `target` is left, false after `timeoutMs`. */
  until(target: number, timeoutMs: number): Promise<boolean> {
    if (!this.pending(target)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.waiters = this.waiters.filter((w) => w.resolve !== done);
            resolve(false);
          }, timeoutMs)
        : undefined;
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.waiters.push({ target, resolve: done });
    });
  }

  /** Keeps memory bounded: spill to the spool when there is one, else (or if it lags) drop the oldest. */
  bound(failing: boolean): void {
    const { spooling, maxSpoolBytes, maxMemoryBytes } = this.limits;
    const limit = spooling ? maxMemoryBytes : maxSpoolBytes;
    if (spooling && (failing || this.s.memoryBytes > limit / 2)) this.spill();
    for (let i = 0; this.s.memoryBytes > limit && i < this.items.length; ) {
      const item = this.items[i]!;
      if (item === this.inFlight || item.body === undefined || item.entry !== undefined) i++;
      else this.drop(item, 'memory queue full');
    }
  }

  /** Writes the batches held only in memory to the spool, in queue order; resolves when done. */
  spill(): Promise<void> {
    this.spilling = this.spilling
      .then(async () => {
        const spool = this.spool;
        if (spool === undefined) return;
        for (const item of [...this.items]) {
          if (item.done || item.body === undefined) continue;
          if (item.entry !== undefined) {
            // Spooled while it was in flight: the file is enough now.
            if (item !== this.inFlight) this.release(item);
            continue;
          }
          if (!this.makeRoom(item.bytes)) {
            if (item !== this.inFlight) this.drop(item, 'spool full');
            continue;
          }
          const entry = await spool.write(this.base + item.n, item.rows, item.body);
          this.s.spooledBatches++;
          if (item.done) {
            await spool.remove(entry);
            continue;
          }
          item.entry = entry;
          this.s.spoolBytes += item.bytes;
          if (item !== this.inFlight) this.release(item);
        }
      })
      .catch((err) => {
        this.s.lastError = `spool: ${(err as Error).message}`;
        this.errors.error('spool_write_failed', `cannot write the spool: ${(err as Error).message}`);
      });
    return this.spilling;
  }

  drop(item: QueueItem, why: string): void {
    this.s.droppedBatches++;
    this.s.droppedRows += item.rows;
    this.errors.error('batch_dropped', `dropped a batch of ${item.rows} rows: ${why}`);
    this.finish(item);
  }

  /** Takes an item out of the queue (delivered, refused or dropped) and wakes the flush()es it completes. */
  finish(item: QueueItem): void {
    item.done = true;
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
    this.release(item);
    if (item.entry !== undefined) {
      this.s.spoolBytes -= item.bytes;
      const entry = item.entry;
      const removal: Promise<void> = (this.spool?.remove(entry) ?? Promise.resolve())
        .catch((err) =>
          this.errors.error('spool_remove_failed', `cannot remove ${entry.file}: ${(err as Error).message}`),
        )
        .finally(() => this.removals.delete(removal));
      this.removals.add(removal);
    }
    this.waiters = this.waiters.filter((w) => {
      if (this.pending(w.target)) return true;
      w.resolve(true);
      return false;
    });
  }

  /** At close: what is in memory goes to the spool (or is dropped without one); the spool is released. */
  async close(): Promise<void> {
    if (this.spool !== undefined) await this.spill();
    for (const item of [...this.items])
      if (item.entry === undefined) this.drop(item, 'closed without a spool to keep it');
    await Promise.all(this.removals);
    await this.spool?.close();
  }

  /** Drops the oldest spooled batches (not the one in flight) until `bytes` more fit; false if they cannot. */
  private makeRoom(bytes: number): boolean {
    const max = this.limits.maxSpoolBytes;
    if (bytes > max) return false;
    for (let i = 0; this.s.spoolBytes + bytes > max && i < this.items.length; ) {
      const item = this.items[i]!;
      if (item === this.inFlight || item.entry === undefined) i++;
      else this.drop(item, 'spool full');
    }
    return this.s.spoolBytes + bytes <= max;
  }

  private release(item: QueueItem): void {
    if (item.body === undefined) return;
    item.body = undefined;
    this.s.memoryBytes -= item.bytes;
  }

  private pending(target: number): boolean {
    return this.items.some((item) => item.n <= target);
  }
}
