/** /proc/loadavg: `0.93 1.89 2.33 1/94 9324` — load over 1, 5 and 15 minutes, runnable/existing tasks, last pid. */
export interface LoadAvg {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  /** Processes and threads that exist (the number after the slash). */
  readonly tasks: number;
}

export function parseLoadAvg(text: string): LoadAvg {
  const [l1, l5, l15, tasks] = text.trim().split(/\s+/);
  return {
    load1: Number(l1),
    load5: Number(l5),
    load15: Number(l15),
    tasks: Number(tasks?.split('/')[1]),
  };
}
