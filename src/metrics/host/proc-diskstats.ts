/**
 * /proc/diskstats: `major minor name` then the I/O counters of Documentation/admin-guide/iostats.rst
 * (11 fields since 2.6.25 for disks and partitions alike; discard and flush fields after them in
 * newer kernels are ignored). Sectors are 512 bytes whatever the device's block size; times are ms.
 */
export const sectorBytes = 512;

export interface DiskStat {
  readonly major: number;
  readonly minor: number;
  readonly name: string;
  readonly readsCompleted: number;
  readonly readBytes: number;
  readonly readSeconds: number;
  readonly writesCompleted: number;
  readonly writtenBytes: number;
  readonly writeSeconds: number;
  readonly inProgress: number;
  /** Time the device had I/O in flight (busy time). */
  readonly ioSeconds: number;
  /** Busy time weighted by the number of I/Os in flight (queue length × time). */
  readonly weightedIoSeconds: number;
}

export function parseDiskstats(text: string): DiskStat[] {
  const out: DiskStat[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = f.map(Number);
    if (!Number.isInteger(n[0]) || !Number.isInteger(n[1])) continue;
    out.push({
      major: n[0]!,
      minor: n[1]!,
      name: f[2]!,
      readsCompleted: n[3]!,
      readBytes: n[5]! * sectorBytes,
      readSeconds: n[6]! / 1000,
      writesCompleted: n[7]!,
      writtenBytes: n[9]! * sectorBytes,
      writeSeconds: n[10]! / 1000,
      inProgress: n[11]!,
      ioSeconds: n[12]! / 1000,
      weightedIoSeconds: n[13]! / 1000,
    });
  }
  return out;
}

export function findDiskStat(stats: readonly DiskStat[], major: number, minor: number): DiskStat | undefined {
  return stats.find((s) => s.major === major && s.minor === minor);
}
