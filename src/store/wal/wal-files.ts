import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { failPointErrorAsync } from '../../metrics/failpoint.js';
import { walFileName } from '../write/layout.js';
import { WAL_FILE_MAGIC } from './record.js';
import type { WalStats } from './stats.js';
import { fsyncDir, WalFile } from './wal-file.js';

/**
 * The files of one WAL: the current one (appended to) and closed ones kept while an open buffer
 * still holds rows logged in them. The current file is never deleted, and a new one is created
 * before an old one goes, so the newest file name always carries the next LSN across restarts.
 */
export class WalFiles {
  current: WalFile | undefined;
  private readonly closed: WalFile[] = [];
  private dirReady = false;

  constructor(
    private readonly dir: string,
    /** fsync new files and the folder (all policies but `never`). */
    private readonly durable: boolean,
    private readonly stats: WalStats,
    private readonly now: () => number,
    /** A file could not be deleted (counted in stats too; the next start deletes it). */
    private readonly onDeleteError: (err: unknown) => void = () => {},
  ) {}

  /** Takes over files found at start (closed; deleted once their holders are released). */
  adopt(files: readonly WalFile[]): void {
    this.closed.push(...files);
  }

  /** Deletes closed files that hold no unsealed rows (adopted ones, after replay). */
  async dropUnheld(): Promise<void> {
    for (const file of [...this.closed]) if (file.holders.size === 0) await this.delete(file);
  }

  bytesOnDisk(): number {
    let bytes = this.current?.size ?? 0;
    for (const file of this.closed) bytes += file.size;
    return bytes;
  }

  count(): number {
    return this.closed.length + (this.current === undefined ? 0 : 1);
  }

  /** Starts a new file named by `lsn` (the next record's) and retires the current one. */
  async rotate(lsn: number, syncOld: boolean): Promise<WalFile> {
    const injected = await failPointErrorAsync('store.wal.rotate');
    if (injected !== undefined) throw injected;
    if (!this.dirReady) {
      await mkdir(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const path = join(this.dir, walFileName(lsn));
    const handle = await open(path, 'w');
    try {
      await handle.write(WAL_FILE_MAGIC, 0, WAL_FILE_MAGIC.length, 0);
      if (this.durable) {
        await handle.sync();
        await fsyncDir(this.dir);
      }
    } catch (err) {
      await handle.close().catch(() => {});
      await rm(path, { force: true }).catch(() => {});
      throw err;
    }
    this.stats.filesCreated++;
    const old = this.current;
    this.current = new WalFile(path, lsn, this.now(), WAL_FILE_MAGIC.length, handle);
    if (old !== undefined) await this.retire(old, syncOld);
    return this.current;
  }

  /** A buffer with rows in `file` was sealed: once no buffer needs the file, it goes. */
  async release(file: WalFile, holder: number): Promise<void> {
    file.holders.delete(holder);
    if (file.holders.size === 0 && file !== this.current && this.closed.includes(file))
      await this.delete(file);
  }

  async closeCurrent(): Promise<void> {
    await this.current?.handle?.close();
    if (this.current !== undefined) this.current.handle = undefined;
  }

  private async retire(file: WalFile, sync: boolean): Promise<void> {
    try {
      if (sync && !file.broken) await file.handle?.sync();
    } catch {
      // Its records were acknowledged under a relaxed policy (interval, never): nothing more to do.
    }
    await file.handle?.close().catch(() => {});
    file.handle = undefined;
    this.closed.push(file);
    if (file.holders.size === 0) await this.delete(file);
  }

  private async delete(file: WalFile): Promise<void> {
    try {
      const injected = await failPointErrorAsync('store.wal.delete');
      if (injected !== undefined) throw injected;
      await rm(file.path, { force: true });
      this.closed.splice(this.closed.indexOf(file), 1);
      this.stats.filesDeleted++;
    } catch (err) {
      // Left for the next start: replay finds every row covered by a segment and deletes it then.
      this.stats.deleteErrors++;
      this.onDeleteError(err);
    }
  }
}
