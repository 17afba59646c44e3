import { randomInt } from 'node:crypto';

export interface CancelKey {
  readonly pid: number;
  readonly secret: number;
}

/**
 * BackendKeyData of the live sessions. A CancelRequest arrives on a new connection with a (pid,
 * secret) pair; only an exact match cancels, so one client cannot cancel another's queries.
 */
export class CancelKeys {
  private nextPid = 1000 + randomInt(50_000);
  private readonly live = new Map<number, { secret: number; cancel: () => void }>();

  register(cancel: () => void): CancelKey {
    let pid = this.nextPid;
    while (this.live.has(pid)) pid = pid >= 0x7fff_ffff ? 1 : pid + 1;
    this.nextPid = pid >= 0x7fff_ffff ? 1 : pid + 1;
    const secret = randomInt(-0x8000_0000, 0x7fff_ffff);
    this.live.set(pid, { secret, cancel });
    return { pid, secret };
  }

  unregister(pid: number): void {
    this.live.delete(pid);
  }

  /** True when the key matched a live session (whose running query, if any, is aborted). */
  cancel(pid: number, secret: number): boolean {
    const entry = this.live.get(pid);
    if (entry === undefined || entry.secret !== secret) return false;
    entry.cancel();
    return true;
  }
}
