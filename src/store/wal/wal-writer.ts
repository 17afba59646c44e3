import type { FileHandle } from 'node:fs/promises';
import { failPointErrorAsync } from '../../metrics/failpoint.js';
import { type StoreOperation, throwawayStoreMetrics, type WalMetrics } from '../store-metrics.js';
import { toStoreError } from '../write/errors.js';
import type { EncodedRecord } from './record.js';
import { WAL_FILE_MAGIC } from './record.js';
import type { WalStats } from './stats.js';
import type { FsyncPolicy, WalFile } from './wal-file.js';
import { WalFiles } from './wal-files.js';

export interface WalConfig {
  fsync: FsyncPolicy;
  /** A file rolls once it holds this many bytes… */
  maxFileBytes: number;
  /** …or once it is this old (and not empty), so that files die soon after their minutes seal. */
  rollMs: number;
}

export const defaultWalConfig: WalConfig = {
  fsync: { mode: 'always' },
  maxFileBytes: 64 * 1024 * 1024,
  rollMs: 60_000,
};

/** Called once a record is written (and synced under the policy), in LSN order, before the ack. */
export type ApplyRecord = (lsn: number, file: WalFile) => void;

type WriteOutcome = { ok: true; file: WalFile } | { ok: false; error: unknown };

interface Pending {
  readonly record: EncodedRecord;
  readonly rows: number;
  /** Runs once the group's write is under way (the copy overlaps the I/O); may throw. */
  readonly stage: (() => void) | undefined;
  /** What `stage` threw: the append is rejected instead of applied. */
  stageError?: unknown;
  readonly apply: ApplyRecord;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The WAL of one tenant, with group commit: appends that arrive while a write + fsync is in
 * flight wait and go together in the next one (one writev, one fsync). Under the `always` policy
 * an append resolves after the fsync that covers it; under `interval` and `never` after the write
 * (a timer fsyncs under `interval`). A failed write is truncated away and the file retired, so a
 * rejected append leaves nothing behind; the error carries a stable code (store_disk_full, …).
 *
 * Fail points: store.wal.append (before the write), store.wal.fsync, store.wal.rotate,
 * store.wal.delete.
 */
export class WalWriter {
  /** The WAL's files: the current one and those kept for unsealed rows. */
  readonly files: WalFiles;
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  /** Every LSN up to here is durable or was rejected. */
  private settledLsn: number;
  private waiters: { lsn: number; resolve: () => void }[] = [];

  constructor(
    dir: string,
    private readonly config: WalConfig,
    private nextLsn: number,
    private readonly stats: WalStats,
    private readonly now: () => number = Date.now,
    /** Called after a failed write has rejected every append not yet durable (to drop their rows). */
    private readonly onFailure: () => void = () => {},
    /** A timed fsync (interval policy) failed: its appends were already acknowledged; report it. */
    private readonly onSyncError: (err: unknown) => void = () => {},
    private readonly metrics: WalMetrics = throwawayStoreMetrics().wal,
  ) {
    this.settledLsn = nextLsn - 1;
    this.files = new WalFiles(dir, config.fsync.mode !== 'never', stats, now, (err) =>
      metrics.error('wal_delete', err),
    );
    if (config.fsync.mode === 'interval') {
      this.timer = setInterval(() => void this.syncIfDirty().catch(this.onSyncError), config.fsync.ms);
      this.timer.unref();
    }
  }

  /**
   * Logs a record; `encode` runs at once and gets the record's LSN, `stage` (if given) runs, in
   * LSN order, right after the write of the record's group was issued, so that work done for the
   * record (copying its rows into open buffers) overlaps the write and fsync.
   */
  append(
    rows: number,
    encode: (lsn: number) => EncodedRecord,
    apply: ApplyRecord,
    stage?: () => void,
  ): Promise<void> {
    const record = encode(this.nextLsn++);
    return new Promise((resolve, reject) => {
      this.pending.push({ record, rows, stage, apply, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once every LSN up to `lsn` is durable or rejected. */
  settled(lsn: number): Promise<void> {
    if (lsn <= this.settledLsn) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ lsn, resolve }));
  }

  /** Waits for every append so far, then fsyncs whatever a relaxed policy left unsynced. */
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
    await this.syncIfDirty();
  }

  /** Opens a new current file (at start, after replay) so adopted files can go. */
  async open(): Promise<void> {
    await this.files.rotate(this.nextLsn, false);
  }

  /** A buffer with rows in `file` was sealed: once no buffer needs the file, it goes. */
  release(file: WalFile, holder: number): Promise<void> {
    return this.files.release(file, holder);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.files.closeCurrent();
  }

  /** The file for the next group: the current one, or a new one when it is full, old or broken. */
  private async fileFor(lsn: number): Promise<WalFile> {
    const file = this.files.current;
    const full =
      file !== undefined &&
      file.size > WAL_FILE_MAGIC.length &&
      (file.size >= this.config.maxFileBytes || this.now() - file.openedAt >= this.config.rollMs);
    if (file === undefined || file.broken || full) {
      const syncOld = this.dirty;
      this.dirty = false;
      return this.files.rotate(lsn, syncOld);
    }
    return file;
  }

  private kick(): void {
    if (this.running !== undefined) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  /**
   * Writes groups one after the other. Once a group is durable the next one's write starts
   * before the group is acknowledged, so the I/O overlaps what the acknowledged callers do next
   * (decode and stage their next batch).
   */
  private async drain(): Promise<void> {
    let next: { group: Pending[]; io: Promise<WriteOutcome> } | undefined;
    while (next !== undefined || this.pending.length > 0) {
      const current = next ?? this.startWrite();
      next = undefined;
      const outcome = await current.io;
      if (!outcome.ok) {
        this.failGroup(current.group, outcome.error);
        continue;
      }
      if (this.pending.length > 0) next = this.startWrite();
      this.completeGroup(current.group, outcome.file);
    }
  }

  private startWrite(): { group: Pending[]; io: Promise<WriteOutcome> } {
    const group = this.pending;
    this.pending = [];
    return { group, io: this.writeGroup(group) };
  }

  /** Writes (and syncs under `always`) a group; on failure truncates what it may have written. */
  private async writeGroup(group: Pending[]): Promise<WriteOutcome> {
    let file: WalFile | undefined;
    let step: StoreOperation = 'wal_rotate';
    try {
      file = await this.fileFor(group[0]!.record.lsn);
      step = 'wal_write';
      const parts: Buffer[] = [];
      let bytes = 0;
      for (const entry of group) {
        for (const part of entry.record.parts) parts.push(part);
        bytes += entry.record.bytes;
      }
      const injected = await failPointErrorAsync('store.wal.append');
      if (injected !== undefined) throw injected;
      const write = writeAll(file.handle!, parts, file.size, bytes);
      for (const entry of group) {
        try {
          entry.stage?.();
        } catch (err) {
          entry.stageError = err;
        }
      }
      await write;
      step = 'wal_fsync';
      if (this.config.fsync.mode === 'always') await this.sync(file);
      else this.dirty = true;
      file.size += bytes;
      this.stats.groups++;
      this.stats.bytes += bytes;
      this.metrics.groupAppends.update(group.length);
      this.metrics.groupBytes.update(bytes);
      return { ok: true, file };
    } catch (err) {
      this.stats.writeErrors++;
      this.metrics.error(step, err);
      if (file?.handle !== undefined) {
        file.broken = true;
        await file.handle.truncate(file.size).catch(() => {});
      }
      return { ok: false, error: err };
    }
  }

  /**
   * Rejects a failed group and every append queued behind it: their rows, already copied into
   * open buffers, are dropped at once (onFailure), and nothing after a gap is acknowledged.
   */
  private failGroup(group: Pending[], err: unknown): void {
    const error = toStoreError(err, 'WAL append');
    const rejected = group.concat(this.pending);
    this.pending = [];
    for (const entry of rejected) entry.reject(error);
    this.onFailure();
    this.settle(this.nextLsn - 1);
  }

  private completeGroup(group: Pending[], file: WalFile): void {
    for (const entry of group) {
      file.maxLsn = entry.record.lsn;
      this.stats.records++;
      this.stats.rows += entry.rows;
      try {
        if (entry.stageError !== undefined) throw entry.stageError;
        entry.apply(entry.record.lsn, file);
        entry.resolve();
      } catch (err) {
        entry.reject(err);
      }
    }
    this.settle(group.at(-1)!.record.lsn);
  }

  private settle(lsn: number): void {
    this.settledLsn = lsn;
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.lsn <= lsn);
    this.waiters = this.waiters.filter((w) => w.lsn > lsn);
    for (const waiter of due) waiter.resolve();
  }

  private async sync(file: WalFile): Promise<void> {
    const injected = await failPointErrorAsync('store.wal.fsync');
    if (injected !== undefined) throw injected;
    const t0 = performance.now();
    // fdatasync: the data and what is needed to read it back (the file size), not the mtime.
    await file.handle!.datasync();
    const ms = performance.now() - t0;
    this.stats.fsyncs++;
    this.stats.fsyncMs += ms;
    this.metrics.fsync.update(ms / 1000);
  }

  private async syncIfDirty(): Promise<void> {
    const file = this.files.current;
    if (!this.dirty || file?.handle === undefined) return;
    this.dirty = false;
    try {
      await this.sync(file);
    } catch (err) {
      file.broken = true;
      this.stats.writeErrors++;
      this.metrics.error('wal_fsync', err);
      throw toStoreError(err, 'WAL fsync');
    }
  }
}

/**
 * writev until every byte is written: a write cut short (as when the disk fills up mid-way) is
 * continued, so that the real error (ENOSPC) surfaces from the next call.
 */
async function writeAll(handle: FileHandle, parts: Buffer[], position: number, bytes: number): Promise<void> {
  let written = (await handle.writev(parts, position)).bytesWritten;
  while (written < bytes) {
    let skip = written;
    const rest: Buffer[] = [];
    for (const part of parts) {
      if (skip >= part.length) skip -= part.length;
      else {
        rest.push(skip > 0 ? part.subarray(skip) : part);
        skip = 0;
      }
    }
    const more = (await handle.writev(rest, position + written)).bytesWritten;
    if (more === 0)
      throw Object.assign(new Error(`WAL write made no progress at ${written} of ${bytes} bytes`), {
        code: 'EIO',
      });
    written += more;
  }
}
