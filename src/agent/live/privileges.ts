import { execFileSync } from 'node:child_process';

/** A Unix user, as the system's user database (NSS) has it. */
export interface UnixUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks a user up by name or uid with `getent passwd` (files, LDAP…: whatever NSS says). */
export function lookupUser(nameOrUid: string): UnixUser {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', nameOrUid], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    throw new Error(`no user '${nameOrUid}' on this system (getent passwd ${nameOrUid} found none)`);
  }
  const [name, , uid, gid] = line.trim().split('\n')[0]!.split(':');
  if (name === undefined || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? ''))
    throw new Error(`getent passwd ${nameOrUid}: unexpected answer '${line.trim()}'`);
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Becomes `user` for good: its supplementary groups, its group, then its user id (real,
 * effective and saved: root's privileges cannot come back). Throws if the switch did not hold.
 */
export function dropPrivileges(user: UnixUser): void {
  // process.initgroups is Node's (POSIX) but missing from @types/node.
  const posix = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
  if (posix.initgroups === undefined || process.setgid === undefined || process.setuid === undefined)
    throw new Error('this platform cannot switch users');
  posix.initgroups(user.name, user.gid);
  process.setgid(user.gid);
  process.setuid(user.uid);
  if (process.getuid!() !== user.uid || process.geteuid!() !== user.uid || process.getegid!() !== user.gid)
    throw new Error(`switching to user ${user.name} did not hold`);
}
