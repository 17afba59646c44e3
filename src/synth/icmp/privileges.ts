/**
 * Dropping root after the raw sockets are open. The open sockets keep working (the kernel checks
 * CAP_NET_RAW when a raw socket is created, not when it is used); a new one can no longer be
 * opened, and root cannot be regained. The alternative is never to run as root: give the node
 * binary the one capability (`setcap cap_net_raw+ep $(which node)`) or run under systemd with
 * `AmbientCapabilities=CAP_NET_RAW` (see docs/synth.md).
 */
import { execFileSync } from 'node:child_process';

export class PrivilegeError extends Error {
  constructor(
    readonly code: 'unknown_user' | 'drop_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The passwd entry of a user name or numeric uid (through NSS: getent, like id(1)). */
export function lookupUser(user: string): Account {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', user], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    throw new PrivilegeError('unknown_user', `no such user '${user}' (getent passwd found nothing)`);
  }
  const [name, , uid, gid] = line.trim().split('\n')[0]!.split(':');
  if (name === undefined || uid === undefined || gid === undefined)
    throw new PrivilegeError('unknown_user', `unreadable passwd entry for '${user}'`);
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Becomes `user`: supplementary groups from the group database (initgroups, i.e. setgroups),
 * then setgid to its primary group, then setuid — in that order, since after setuid the first
 * two are no longer allowed. Throws PrivilegeError when any step fails or root can be regained.
 */
export function dropPrivileges(user: string): Account {
  const account = lookupUser(user);
  // process.initgroups/setgid/setuid are POSIX-only (and initgroups is missing from @types/node).
  const posix = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
  try {
    posix.initgroups!(account.name, account.gid);
    posix.setgid!(account.gid);
    posix.setuid!(account.uid);
  } catch (err) {
    throw new PrivilegeError('drop_failed', `could not become ${user}: ${(err as Error).message}`);
  }
  if (
    process.getuid!() !== account.uid ||
    process.geteuid!() !== account.uid ||
    process.getegid!() !== account.gid
  )
    throw new PrivilegeError('drop_failed', `still uid ${process.geteuid!()} after becoming ${user}`);
  if (account.uid !== 0) {
    let regained = false;
    try {
      posix.setuid!(0);
      regained = true;
    } catch {}
    if (regained) throw new PrivilegeError('drop_failed', `could become root again after becoming ${user}`);
  }
  return account;
}
