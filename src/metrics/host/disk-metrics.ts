import { readFileSync, statfsSync } from 'node:fs';
import type { Registry } from '../registry.js';
import { findBlockDevice } from './block-device.js';
import { cachedLoad } from './cached-load.js';
import { type DiskStat, findDiskStat, parseDiskstats } from './proc-diskstats.js';
import { type SourceOptions, works } from './sources.js';

export interface DiskOptions extends SourceOptions {
  readonly dataDir: string;
}

/** Counters of /proc/diskstats for the data directory's device → metric and help. */
export const diskCounters: readonly [keyof DiskStat, string, string][] = [
  [
    'readsCompleted',
    'flowlens_host_disk_reads_total',
    'Reads completed by the data directory’s block device',
  ],
  [
    'writesCompleted',
    'flowlens_host_disk_writes_total',
    'Writes completed by the data directory’s block device',
  ],
  ['readBytes', 'flowlens_host_disk_read_bytes_total', 'Bytes read from the data directory’s block device'],
  [
    'writtenBytes',
    'flowlens_host_disk_written_bytes_total',
    'Bytes written to the data directory’s block device',
  ],
  ['readSeconds', 'flowlens_host_disk_read_time_seconds_total', 'Time reads took, summed over reads'],
  ['writeSeconds', 'flowlens_host_disk_write_time_seconds_total', 'Time writes took, summed over writes'],
  [
    'ioSeconds',
    'flowlens_host_disk_io_time_seconds_total',
    'Time the device was busy (had I/O in flight); its rate near 1 means saturated',
  ],
  [
    'weightedIoSeconds',
    'flowlens_host_disk_io_weighted_time_seconds_total',
    'Busy time weighted by I/Os in flight; its rate is the average queue length',
  ],
];

/**
 * Space and inodes of the data directory's filesystem (statfs), and the I/O of its block device
 * (/proc/diskstats, tag `device`). No block device (tmpfs, overlay, NFS) → no disk I/O series.
 */
export function registerDiskMetrics(registry: Registry, { dataDir, procRoot, maxAgeMs }: DiskOptions): void {
  const fs = cachedLoad(() => statfsSync(dataDir), maxAgeMs);
  if (works(fs)) {
    const gauges: [string, () => number, string][] = [
      [
        'flowlens_host_datadir_size_bytes',
        () => fs().blocks * fs().bsize,
        'Size of the data directory’s filesystem',
      ],
      [
        'flowlens_host_datadir_free_bytes',
        () => fs().bfree * fs().bsize,
        'Free space on the data directory’s filesystem, the blocks reserved for root included',
      ],
      [
        'flowlens_host_datadir_available_bytes',
        () => fs().bavail * fs().bsize,
        'Space flowlens can still write on the data directory’s filesystem (df’s Avail)',
      ],
      ['flowlens_host_datadir_total_inodes', () => fs().files, 'Inodes of the data directory’s filesystem'],
      [
        'flowlens_host_datadir_free_inodes',
        () => fs().ffree,
        'Inodes free on the data directory’s filesystem',
      ],
    ];
    for (const [name, fn, help] of gauges) registry.gaugeFn(name, fn, undefined, { help });
  }

  const device = findBlockDevice(dataDir, procRoot);
  if (device === undefined) return;
  const stat = cachedLoad(() => {
    const found = findDiskStat(
      parseDiskstats(readFileSync(`${procRoot}/diskstats`, 'utf8')),
      device.major,
      device.minor,
    );
    if (found === undefined) throw new Error(`device ${device.name} left /proc/diskstats`);
    return found;
  }, maxAgeMs);
  const tags = { device: device.name };
  for (const [field, name, help] of diskCounters)
    registry.counterFn(name, () => stat()[field] as number, tags, { help });
  registry.gaugeFn('flowlens_host_disk_in_progress_ios', () => stat().inProgress, tags, {
    help: 'I/Os in flight on the data directory’s block device now',
  });
}
