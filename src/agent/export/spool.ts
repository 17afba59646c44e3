import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One batch waiting in the spool directory. */
export interface SpoolEntry {
  /** Position in the spool: files are sent in this order. */
  readonly ordinal: number;
  readonly rows: number;
  readonly bytes: number;
  readonly file: string;
}

const namePattern = /^(\d{15})-(\d+)\.flb$/;

/**
 * The sender's on-disk buffer: one file per encoded batch, named `<ordinal>-<rows>.flb` so that
 * the order and the rows at stake are known without reading them. A file is written beside its
 * final name, fsync'd, renamed, and the directory fsync'd: after a crash a spooled batch is there
 * whole or not at all. A `lock` file with the owner's pid keeps two senders out of one directory
 * (their sequence numbers would interleave).
 */
export class Spool {
  private locked = false;

  constructor(readonly dir: string) {}

  /** Creates the directory, takes the lock, removes half-written files; the entries, oldest first. */
  async open(): Promise<SpoolEntry[]> {
    await mkdir(this.dir, { recursive: true });
    await this.lock();
    const entries: SpoolEntry[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.dir, name), { force: true });
        continue;
      }
      const m = namePattern.exec(name);
      if (m === null) continue;
      const file = join(this.dir, name);
      entries.push({ ordinal: Number(m[1]), rows: Number(m[2]), bytes: (await stat(file)).size, file });
    }
    return entries.sort((a, b) => a.ordinal - b.ordinal);
  }

  async write(ordinal: number, rows: number, body: Uint8Array): Promise<SpoolEntry> {
    const file = join(this.dir, `${String(ordinal).padStart(15, '0')}-${rows}.flb`);
    const temp = `${file}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await this.syncDir();
    return { ordinal, rows, bytes: body.length, file };
  }

  read(entry: SpoolEntry): Promise<Buffer> {
    return readFile(entry.file);
  }

  async remove(entry: SpoolEntry): Promise<void> {
    await rm(entry.file, { force: true });
  }

  async close(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await rm(join(this.dir, 'lock'), { force: true });
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private async lock(): Promise<void> {
    const file = join(this.dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new Error(`spool directory ${this.dir} is in use by process ${pid}; give each sender its own`);
      // Left by a process that is gone: take it over.
      await rm(file, { force: true });
    }
    throw new Error(`cannot lock the spool directory ${this.dir}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
