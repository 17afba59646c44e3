/**
 * /proc/stat: the host's CPU time by mode, context switches, forks, runnable and blocked tasks,
 * boot time. Times there are in USER_HZ ticks; the kernel fixes USER_HZ at 100 for user space on
 * every architecture Node runs on (`getconf CLK_TCK`; the test checks it).
 */
export const userHz = 100;

/** The modes of the `cpu` line, in column order. guest and guest_nice are left out: the kernel
 * already counts them in user and nice, so the modes here add up to the total. */
export const cpuModes = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof cpuModes)[number];

export interface ProcStat {
  /** Seconds spent in each mode, summed over all CPUs; NaN for a column the kernel lacks. */
  readonly cpuSeconds: Readonly<Record<CpuMode, number>>;
  /** Online CPUs (the `cpuN` lines). */
  readonly cpus: number;
  readonly contextSwitches: number;
  /** Processes and threads created since boot (`processes`). */
  readonly forks: number;
  readonly procsRunning: number;
  readonly procsBlocked: number;
  /** Boot time, seconds since the Unix epoch. */
  readonly bootTime: number;
}

export function parseProcStat(text: string): ProcStat {
  const cpuSeconds = Object.fromEntries(cpuModes.map((m) => [m, Number.NaN])) as Record<CpuMode, number>;
  const out = {
    cpuSeconds,
    cpus: 0,
    contextSwitches: Number.NaN,
    forks: Number.NaN,
    procsRunning: Number.NaN,
    procsBlocked: Number.NaN,
    bootTime: Number.NaN,
  };
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const key = fields[0];
    if (key === 'cpu') {
      cpuModes.forEach((mode, i) => {
        const ticks = fields[i + 1];
        if (ticks !== undefined) cpuSeconds[mode] = Number(ticks) / userHz;
      });
    } else if (key !== undefined && /^cpu\d+$/.test(key)) out.cpus++;
    else if (key === 'ctxt') out.contextSwitches = Number(fields[1]);
    else if (key === 'processes') out.forks = Number(fields[1]);
    else if (key === 'procs_running') out.procsRunning = Number(fields[1]);
    else if (key === 'procs_blocked') out.procsBlocked = Number(fields[1]);
    else if (key === 'btime') out.bootTime = Number(fields[1]);
  }
  return out;
}
