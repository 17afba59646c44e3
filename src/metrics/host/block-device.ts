import { readFileSync, realpathSync, statSync } from 'node:fs';
import { findDiskStat, parseDiskstats } from './proc-diskstats.js';
import { mountOf, parseMountinfo } from './proc-mountinfo.js';

export interface DeviceNumber {
  readonly major: number;
  readonly minor: number;
}

export interface BlockDevice extends DeviceNumber {
  /** The name in /proc/diskstats: `vda`, `sda2`, `nvme0n1p1`, `dm-0`. */
  readonly name: string;
}

/** glibc's major()/minor() of a dev_t: major in bits 8–19 and 32–43… see sys/sysmacros.h. */
export function decodeDev(dev: bigint): DeviceNumber {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n);
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xffffff00n);
  return { major: Number(major), minor: Number(minor) };
}

export interface BlockDeviceSources {
  readonly diskstats: string;
  readonly mountinfo: string;
  /** st_dev of the directory. */
  readonly dirDev: bigint;
  /** The directory, absolute and without symlinks. */
  readonly realDir: string;
  /** st_rdev of a device node (`/dev/vda2`), or undefined when it cannot be read. */
  readonly rdevOf: (path: string) => bigint | undefined;
}

/**
 * The block device whose I/O /proc/diskstats counts for a directory. Its st_dev names it for
 * filesystems on one device (a disk, a partition, a device-mapper volume: each has its own line);
 * btrfs and others report an anonymous st_dev (major 0), so then the mount's source device node is
 * tried. Undefined when neither is in diskstats (tmpfs, overlay, NFS): those series are left out.
 */
export function resolveBlockDevice(src: BlockDeviceSources): BlockDevice | undefined {
  const stats = parseDiskstats(src.diskstats);
  const own = decodeDev(src.dirDev);
  const direct = findDiskStat(stats, own.major, own.minor);
  if (direct !== undefined) return { major: direct.major, minor: direct.minor, name: direct.name };
  const mount = mountOf(parseMountinfo(src.mountinfo), src.realDir);
  if (mount === undefined || !mount.source.startsWith('/dev/')) return undefined;
  const rdev = src.rdevOf(mount.source);
  if (rdev === undefined) return undefined;
  const viaSource = decodeDev(rdev);
  const found = findDiskStat(stats, viaSource.major, viaSource.minor);
  return found === undefined ? undefined : { major: found.major, minor: found.minor, name: found.name };
}

/** resolveBlockDevice over the live system; undefined when /proc is unreadable. */
export function findBlockDevice(dir: string, procRoot = '/proc'): BlockDevice | undefined {
  try {
    return resolveBlockDevice({
      diskstats: readFileSync(`${procRoot}/diskstats`, 'utf8'),
      mountinfo: readFileSync(`${procRoot}/self/mountinfo`, 'utf8'),
      dirDev: statSync(dir, { bigint: true }).dev,
      realDir: realpathSync(dir),
      rdevOf: (path) => {
        try {
          return statSync(path, { bigint: true }).rdev;
        } catch {
          return undefined;
        }
      },
    });
  } catch {
    return undefined;
  }
}
