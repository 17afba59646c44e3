import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BlockDeviceSources, decodeDev, resolveBlockDevice } from './block-device.js';
import { findDiskStat, parseDiskstats } from './proc-diskstats.js';
import { mountOf, parseMountinfo } from './proc-mountinfo.js';

/** glibc's makedev (sys/sysmacros.h), written out: the inverse decodeDev must undo. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

test('decodeDev undoes makedev, small and large numbers', () => {
  assert.deepEqual(decodeDev(2049n), { major: 8, minor: 1 }); // (8 << 8) | 1
  assert.deepEqual(decodeDev(65024n), { major: 254, minor: 0 }); // 0xfe00
  // major 259 = 0x103 → bits 8–19; minor 0x10001: low byte 1, the rest (0x100) at bit 20.
  assert.equal(makedev(259, 0x10001), 0x10010301n);
  assert.deepEqual(decodeDev(0x10010301n), { major: 259, minor: 0x10001 });
  assert.deepEqual(decodeDev(makedev(4096 + 7, 1 << 20)), { major: 4103, minor: 1 << 20 });
});

const diskstats = `   8       0 sda 1000 5 20000 300 2000 6 40000 500 2 700 900 0 0 0 0 0 0
   8       1 sda1 900 5 18000 280 1900 6 38000 480 1 650 850 0 0 0 0 0 0
 253       0 dm-0 800 0 16000 250 1800 0 36000 460 0 600 800
   7       0 loop0 0 0 0 0
`;

test('/proc/diskstats: sectors of 512 bytes, times in ms become seconds', () => {
  const stats = parseDiskstats(diskstats);
  assert.deepEqual(
    stats.map((s) => s.name),
    ['sda', 'sda1', 'dm-0'],
  ); // loop0 has the 4 fields of a pre-2.6.25 partition: skipped
  assert.deepEqual(findDiskStat(stats, 8, 1), {
    major: 8,
    minor: 1,
    name: 'sda1',
    readsCompleted: 900,
    readBytes: 9216000, // 18000 sectors × 512
    readSeconds: 0.28,
    writesCompleted: 1900,
    writtenBytes: 19456000, // 38000 × 512
    writeSeconds: 0.48,
    inProgress: 1,
    ioSeconds: 0.65,
    weightedIoSeconds: 0.85,
  });
  assert.equal(findDiskStat(stats, 253, 0)?.writtenBytes, 18432000); // 36000 × 512, an 11-field line
  assert.equal(findDiskStat(stats, 8, 2), undefined);
});

const mountinfo = `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:45 / /srv/btrfs rw,relatime shared:5 master:1 - btrfs /dev/sda1 rw,space_cache
41 27 253:0 / /mnt/with\\040space rw - ext4 /dev/mapper/vg-data rw
42 27 0:27 / /dev/shm rw - tmpfs tmpfs rw
43 27 0:46 / /srv/btrfs rw - tmpfs over rw
`;

test('/proc/self/mountinfo: the mount holding a path', () => {
  const mounts = parseMountinfo(mountinfo);
  assert.equal(mounts.length, 5);
  assert.equal(mounts[2]?.mountPoint, '/mnt/with space'); // \040 is a space
  assert.equal(mountOf(mounts, '/mnt/with space/data')?.source, '/dev/mapper/vg-data');
  assert.equal(mountOf(mounts, '/srv/btrfsx')?.mountPoint, '/'); // a prefix, not a parent
  assert.equal(mountOf(mounts, '/srv/btrfs/data')?.source, 'over'); // mounted over: the last wins
  assert.equal(mountOf(mounts.slice(0, 2), '/srv/btrfs/data')?.source, '/dev/sda1');
});

function sources(dirDev: bigint, realDir: string, nodes: Record<string, bigint> = {}): BlockDeviceSources {
  return {
    diskstats,
    mountinfo: mountinfo.split('\n').slice(0, 4).join('\n'),
    dirDev,
    realDir,
    rdevOf: (path) => nodes[path],
  };
}

test('the block device of a directory: a partition, device-mapper, btrfs, and none', () => {
  // A filesystem on a partition or a device-mapper volume: st_dev is the device's own line.
  assert.deepEqual(resolveBlockDevice(sources(makedev(8, 1), '/data')), { major: 8, minor: 1, name: 'sda1' });
  assert.deepEqual(resolveBlockDevice(sources(makedev(253, 0), '/mnt/with space/d')), {
    major: 253,
    minor: 0,
    name: 'dm-0',
  });
  // btrfs: st_dev is anonymous (0:45); the mount's source /dev/sda1 (rdev 8:1) is in diskstats.
  const btrfs = sources(makedev(0, 45), '/srv/btrfs/flowlens', { '/dev/sda1': makedev(8, 1) });
  assert.equal(resolveBlockDevice(btrfs)?.name, 'sda1');
  // …unless the device node cannot be read.
  assert.equal(resolveBlockDevice(sources(makedev(0, 45), '/srv/btrfs/flowlens')), undefined);
  // tmpfs: no device line, and the source is not a device node.
  assert.equal(resolveBlockDevice(sources(makedev(0, 27), '/dev/shm/flowlens')), undefined);
  // The root filesystem's vda is not in this diskstats sample: absent, not an error.
  assert.equal(resolveBlockDevice(sources(makedev(254, 0), '/data')), undefined);
});
