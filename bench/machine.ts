import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function machineInfo() {
  const c = cpus();
  return {
    cpus: c.length,
    cpu_model: c[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    total_memory_bytes: totalmem(),
    load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function rmemMax(): number {
  return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
}

/**
 * Raises net.core.rmem_max to `wanted` when running as root so the sockets get the receive buffer
 * they ask for; returns the value in effect and whether it was changed.
 */
export function raiseRmemMax(wanted: number): { rmem_max: number; raised: boolean; note?: string } {
  const before = rmemMax();
  if (before >= wanted) return { rmem_max: before, raised: false };
  if (process.getuid?.() !== 0) return { rmem_max: before, raised: false, note: 'not root: left as is' };
  try {
    execFileSync('sysctl', ['-w', `net.core.rmem_max=${wanted}`], { stdio: 'ignore' });
  } catch (err) {
    return {
      rmem_max: rmemMax(),
      raised: false,
      note: `sysctl failed: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  return { rmem_max: rmemMax(), raised: true };
}
