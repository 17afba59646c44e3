/**
 * The process's own /proc files: /proc/self/status (`Threads:\t11`) and /proc/self/limits
 * (`Max open files            20000                20000                files`).
 */

/** The `Threads:` line of /proc/self/status; NaN when absent. */
export function parseThreads(status: string): number {
  const m = /^Threads:\s+(\d+)\s*$/m.exec(status);
  return m === null ? Number.NaN : Number(m[1]);
}

/** The soft limit on open files (RLIMIT_NOFILE): Infinity for `unlimited`, NaN when absent. */
export function parseMaxOpenFiles(limits: string): number {
  const m = /^Max open files\s+(\S+)/m.exec(limits);
  if (m === null) return Number.NaN;
  return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}
