import { readFileSync } from 'node:fs';

/**
 * CPU time of the calling thread in milliseconds (Linux: /proc/thread-self/stat, user + system,
 * 10 ms ticks), or NaN elsewhere. process.cpuUsage() counts every thread of the process; the seal
 * workers report their own share with this, and benchmarks measure the main thread's.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime), counted from the state field (3).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time of the whole process in milliseconds (every thread). */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
