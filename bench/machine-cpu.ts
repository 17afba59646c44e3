/**
 * Machine-wide CPU time from /proc/stat, for benchmarks whose figures depend on getting the CPU
 * when they need it (bench:synth's late ticks): how much time the hypervisor took (steal) and how
 * busy the machine was beside the process measured.
 */
import { readFileSync } from 'node:fs';

export interface MachineCpuSample {
  /** Jiffies: all, idle (+ iowait), steal. */
  total: number;
  idle: number;
  steal: number;
}

export function sampleMachineCpu(): MachineCpuSample {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is inside user).
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle: f[3]! + f[4]!, steal: f[7]! };
}

/**
 * Between two samples, as % of the machine's CPU time (all cores): stolen by the hypervisor, and
 * busy (not idle, not stolen); `processCpuS` (the measured process's CPU seconds in the same
 * window) is taken out of busy to give what everything else used.
 */
export function machineCpu(a: MachineCpuSample, b: MachineCpuSample, processCpuS = 0, hz = 100) {
  const total = b.total - a.total;
  if (total <= 0) return { steal_pct: 0, busy_pct: 0, others_busy_pct: 0 };
  const steal = b.steal - a.steal;
  const busy = total - (b.idle - a.idle) - steal;
  const pct = (x: number) => Math.round((x / total) * 1000) / 10;
  return {
    steal_pct: pct(steal),
    busy_pct: pct(busy),
    others_busy_pct: pct(Math.max(0, busy - processCpuS * hz)),
  };
}
