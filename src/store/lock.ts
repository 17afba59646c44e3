import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The lock that keeps two processes from opening one store: DATA/flowlens.lock, beside the store
 * directory (and the collector's templates and devices), created exclusively, holding its owner.
 * A lock whose owner is gone — its PID no longer runs, runs a different process (start time
 * differs), or was from before the last boot — is stale and taken over, so a crash never leaves a
 * store that cannot be opened. Linux's /proc gives the start time and boot id; elsewhere only the
 * PID is checked.
 */

interface Owner {
  pid: number;
  hostname: string;
  bootId?: string | undefined;
  startTicks?: string | undefined;
  since: string;
}

export class StoreLockedError extends Error {
  readonly code = 'store_locked';
  constructor(
    readonly dataDir: string,
    readonly owner: Owner,
  ) {
    super(
      `the data directory ${dataDir} is in use by process ${owner.pid} on ${owner.hostname} ` +
        `(since ${owner.since}); stop that process first, or ask it instead (flowlens query --server …)`,
    );
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, 'flowlens.lock');
}

/** Takes the lock; resolves with a release function and the stale owner it replaced, if any. */
export async function acquireStoreLock(
  dataDir: string,
): Promise<{ release: () => Promise<void>; replaced: Owner | undefined }> {
  const path = lockPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const me = ownerOf(process.pid);
  const text = `${JSON.stringify(me)}\n`;
  let replaced: Owner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(text);
      await handle.close();
      const release = async () => {
        // Only our own lock: never remove one another process took over meanwhile.
        if ((await readFile(path, 'utf8').catch(() => '')) === text) await unlink(path).catch(() => {});
      };
      return { release, replaced };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = await readFile(path, 'utf8').catch(() => '');
    const owner = parseOwner(seen);
    if (owner !== undefined && isAlive(owner)) throw new StoreLockedError(dataDir, owner);
    // Stale (or unreadable, e.g. torn by a crash while being written): remove it if unchanged.
    if ((await readFile(path, 'utf8').catch(() => '')) === seen) await unlink(path).catch(() => {});
    replaced = owner;
  }
  throw new Error(`could not take the store lock ${path}: other processes keep taking it`);
}

function ownerOf(pid: number): Owner {
  return {
    pid,
    hostname: hostname(),
    bootId: procText('/proc/sys/kernel/random/boot_id'),
    startTicks: procStat(pid)?.[19],
    since: new Date().toISOString(),
  };
}

function parseOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return undefined;
    return { since: '?', hostname: '?', ...o } as Owner;
  } catch {
    return undefined;
  }
}

function isAlive(owner: Owner): boolean {
  // Another machine (a shared file system): we cannot tell, so it counts as held.
  if (owner.hostname !== hostname()) return true;
  const bootId = procText('/proc/sys/kernel/random/boot_id');
  if (owner.bootId !== undefined && bootId !== undefined && owner.bootId !== bootId) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(owner.pid);
  // Killed but not yet reaped by its parent: gone all the same.
  if (stat?.[0] === 'Z') return false;
  const ticks = stat?.[19];
  // The PID runs, but started at another time: a different process reusing the number.
  return owner.startTicks === undefined || ticks === undefined || owner.startTicks === ticks;
}

function procText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The fields of /proc/PID/stat from the third (state) on: [0] is the state, [19] the start time
 * in clock ticks after boot. The command name before them is in parentheses and may hold spaces.
 */
function procStat(pid: number): string[] | undefined {
  const stat = procText(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
