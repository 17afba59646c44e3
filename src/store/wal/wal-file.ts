import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** One WAL file, open for appends (`handle`) or closed (kept until its rows are all sealed). */
export class WalFile {
  /** Ids of the open buffers (see src/store/write) that hold rows logged in this file. */
  readonly holders = new Set<number>();
  /** Highest LSN of a record in the file (0: none yet). */
  maxLsn = 0;
  /** A write failed: the file is retired at the next append and a new one started. */
  broken = false;

  constructor(
    readonly path: string,
    readonly startLsn: number,
    /** When the file was started (for rolling per minute). */
    readonly openedAt: number,
    /** Bytes of whole records (and the file header): where the next record goes. */
    public size: number,
    public handle: FileHandle | undefined,
  ) {}
}

export type FsyncPolicy = { mode: 'always' } | { mode: 'interval'; ms: number } | { mode: 'never' };

/** Parses `always`, `never` or `interval(ms)`. */
export function parseFsyncPolicy(text: string): FsyncPolicy {
  if (text === 'always' || text === 'never') return { mode: text };
  const m = /^interval\((\d+)\)$/.exec(text);
  if (m !== null && Number(m[1]) > 0) return { mode: 'interval', ms: Number(m[1]) };
  throw new Error(`bad fsync policy "${text}": expected always, never or interval(ms)`);
}

/** Makes a rename or a created/deleted file in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
