/**
 * Machine-wide CPU time (/proc/stat through the metrics library's parser), for benchmarks whose
 * figures depend on getting the CPU when they need it (bench:synth's late ticks): how much time the
 * hypervisor took (steal) and how busy the machine was beside the process measured.
 */
import { readFileSync } from 'node:fs';
import { cpuModes, parseProcStat } from '../src/metrics/host/proc-stat.js';

/** CPU seconds summed over all CPUs: all modes, idle (+ iowait), steal. */
export interface MachineCpuSample {
  total: number;
  idle: number;
  steal: number;
}

export function sampleMachineCpu(): MachineCpuSample {
  const s = parseProcStat(readFileSync('/proc/stat', 'utf8')).cpuSeconds;
  let total = 0;
  for (const mode of cpuModes) if (!Number.isNaN(s[mode])) total += s[mode];
  return { total, idle: s.idle + s.iowait, steal: s.steal };
}

/**
 * Between two samples, as % of the machine's CPU time (all cores): stolen by the hypervisor, and
 * busy (not idle, not stolen); `processCpuS` (the measured process's CPU seconds in the same
 * window) is taken out of busy to give what everything else used.
 */
export function machineCpu(a: MachineCpuSample, b: MachineCpuSample, processCpuS = 0) {
  const total = b.total - a.total;
  if (total <= 0) return { steal_pct: 0, busy_pct: 0, others_busy_pct: 0 };
  const steal = b.steal - a.steal;
  const busy = total - (b.idle - a.idle) - steal;
  const pct = (x: number) => Math.round((x / total) * 1000) / 10;
  return {
    steal_pct: pct(steal),
    busy_pct: pct(busy),
    others_busy_pct: pct(Math.max(0, busy - processCpuS)),
  };
}
