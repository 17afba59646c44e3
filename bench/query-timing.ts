import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { round } from './store-ingest.js';

/** Wall times of repeated runs of one query on one system, with the load average around them. */
export interface Timed {
  runs_ms: number[];
  min_ms: number;
  median_ms: number;
  /**
   * CPU time of each run, all of the system's threads (a shared machine slows wall times by
   * whatever else runs; CPU time much less): see `CpuClock`.
   */
  cpu_ms?: number[] | undefined;
  median_cpu_ms?: number | undefined;
  /** 1-minute load average before the first run and after the last. */
  load_average: [number, number];
}

/** Milliseconds of CPU a system has used so far (all its threads). */
export type CpuClock = () => number;

/** This process's CPU time: flowlens (its worker threads are ours) and DuckDB (in this process). */
export const processCpu: CpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Another process's CPU time from /proc/PID/stat (utime + stime, in clock ticks of 10 ms). */
export function procCpu(pid: number): CpuClock {
  return () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
}

export interface TimedResult<T> {
  timed: Timed;
  /** What the last run returned. */
  last: T;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `before` (untimed) then `fn` (timed) `runs` times. */
export async function timeRuns<T>(
  runs: number,
  fn: () => Promise<T>,
  before: () => void | Promise<void> = () => {},
  cpu?: CpuClock,
): Promise<TimedResult<T>> {
  const load0 = loadavg()[0]!;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    await before();
    const c = cpu?.();
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
    if (c !== undefined) cpuTimes.push(cpu!() - c);
  }
  return {
    timed: {
      runs_ms: times.map((t) => round(t, 2)),
      min_ms: round(Math.min(...times), 2),
      median_ms: round(median(times), 2),
      ...(cpu === undefined
        ? {}
        : { cpu_ms: cpuTimes.map((t) => round(t, 1)), median_cpu_ms: round(median(cpuTimes), 1) }),
      load_average: [round(load0, 2), round(loadavg()[0]!, 2)],
    },
    last: last as T,
  };
}
