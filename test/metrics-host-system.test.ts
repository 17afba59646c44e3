import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskCounters } from '../src/metrics/host/disk-metrics.js';
import { instrumentHost } from '../src/metrics/host/instrument-host.js';
import { netFields } from '../src/metrics/host/network-metrics.js';
import type { NetDevField } from '../src/metrics/host/proc-net-dev.js';
import { udpFields } from '../src/metrics/host/udp-metrics.js';
import { Registry } from '../src/metrics/registry.js';
import { assertBetween, metricValue, tool } from './helpers/host-tools.js';
import { repoRoot } from './helpers/paths.js';

/** The repository's directory stands in for the data directory: a real disk in development. */
const dataDir = repoRoot;

function hostRegistry(t: { after(fn: () => void): void }): Registry {
  const registry = new Registry();
  const host = instrumentHost(registry, { dataDir, maxAgeMs: 0 });
  t.after(() => host.stop());
  return registry;
}

test('UDP counters: as `nstat -asz` reports them, IPv4 and IPv6', (t) => {
  const registry = hostRegistry(t);
  const read = () =>
    udpFields.flatMap(([field, name]) =>
      (['ipv4', 'ipv6'] as const).map((family) => ({
        field,
        family,
        value: metricValue(registry, name, { family }),
      })),
    );
  const before = read();
  // -a: absolute values (ignore nstat's history), -s: leave the history alone, -z: zeros too.
  const kernel = (JSON.parse(tool('nstat', ['-asz', '-j'])) as { kernel: Record<string, number> }).kernel;
  const after = read();
  before.forEach(({ field, family, value }, i) => {
    const key = `${family === 'ipv4' ? 'Udp' : 'Udp6'}${field}`;
    assert.ok(key in kernel, `nstat has ${key}`);
    assertBetween(key, value, kernel[key]!, after[i]!.value);
  });
});

interface IpLink {
  ifname: string;
  stats64: {
    rx: { bytes: number; packets: number; errors: number; dropped: number; missed_errors?: number };
    tx: { bytes: number; packets: number; errors: number; dropped: number };
  };
}

test('interface counters: as `ip -s -s link` reports them', (t) => {
  const registry = hostRegistry(t);
  const rxBytes = registry.families().find((f) => f.name === 'flowlens_host_network_receive_bytes_total')!;
  const ifaces = rxBytes.series.map((s) => s.tags.iface!);
  assert.ok(ifaces.includes('lo'));
  const read = () =>
    new Map(
      ifaces.map((iface) => [
        iface,
        Object.fromEntries(netFields.map(([field, name]) => [field, metricValue(registry, name, { iface })])),
      ]),
    );
  const before = read();
  const links = JSON.parse(tool('ip', ['-s', '-s', '-j', 'link'])) as IpLink[];
  const after = read();
  let compared = 0;
  for (const { ifname, stats64: s } of links) {
    if (!before.has(ifname)) continue;
    // /proc/net/dev prints rx drop as rx_dropped + rx_missed_errors (net/core/net-procfs.c).
    const ip: Record<NetDevField, number> = {
      rxBytes: s.rx.bytes,
      rxPackets: s.rx.packets,
      rxErrors: s.rx.errors,
      rxDrops: s.rx.dropped + (s.rx.missed_errors ?? 0),
      txBytes: s.tx.bytes,
      txPackets: s.tx.packets,
      txErrors: s.tx.errors,
      txDrops: s.tx.dropped,
    };
    for (const [field] of netFields)
      assertBetween(`${ifname} ${field}`, before.get(ifname)![field]!, ip[field], after.get(ifname)![field]!);
    compared++;
  }
  assert.equal(compared, ifaces.length, 'ip lists every interface of /proc/net/dev');
});

test('data directory space: as `df` and `stat -f` report it', (t) => {
  const registry = hostRegistry(t);
  const read = () => ({
    available: metricValue(registry, 'flowlens_host_datadir_available_bytes'),
    free: metricValue(registry, 'flowlens_host_datadir_free_bytes'),
    freeInodes: metricValue(registry, 'flowlens_host_datadir_free_inodes'),
  });
  const before = read();
  const [size, avail, itotal, iavail] = tool('df', ['-B1', '--output=size,avail,itotal,iavail', dataDir])
    .trim()
    .split('\n')[1]!
    .trim()
    .split(/\s+/)
    .map(Number);
  const [blockSize, freeBlocks] = tool('stat', ['-f', '-c', '%S %f', dataDir]).trim().split(' ').map(Number);
  const after = read();
  assert.equal(metricValue(registry, 'flowlens_host_datadir_size_bytes'), size);
  assert.equal(metricValue(registry, 'flowlens_host_datadir_total_inodes'), itotal);
  // Free space and inodes move as other tests write and delete files; in the few ms between our
  // reads and the tools' they cannot move by more than 256 MiB or 10,000 inodes.
  const near = (what: string, tool: number, a: number, b: number, slack: number) =>
    assert.ok(
      tool >= Math.min(a, b) - slack && tool <= Math.max(a, b) + slack,
      `${what}: tool ${tool}, ours ${a} then ${b}`,
    );
  near('available', avail!, before.available, after.available, 256 * 2 ** 20);
  near('free', freeBlocks! * blockSize!, before.free, after.free, 256 * 2 ** 20);
  near('free inodes', iavail!, before.freeInodes, after.freeInodes, 10_000);
});

/** The diskstats line of the data directory's device, found with coreutils, util-linux and awk. */
function expectedDiskLine(): string[] | undefined {
  const line = (majMin: string) => {
    const [ma, mi] = majMin.trim().split(' ');
    const out = tool('awk', [
      '-v',
      `ma=${ma}`,
      '-v',
      `mi=${mi}`,
      '$1==ma && $2==mi {print}',
      '/proc/diskstats',
    ]);
    return out.trim() === '' ? undefined : out.trim().split(/\s+/);
  };
  const direct = line(tool('stat', ['-c', '%Hd %Ld', dataDir]));
  if (direct !== undefined) return direct;
  const source = tool('findmnt', ['-n', '-o', 'SOURCE', '--target', dataDir]).trim();
  return source.startsWith('/dev/') ? line(tool('stat', ['-L', '-c', '%Hr %Lr', source])) : undefined;
}

test('data directory I/O: the counters of its device in /proc/diskstats, read by awk', (t) => {
  const registry = hostRegistry(t);
  const disk = registry.families().filter((f) => f.name.startsWith('flowlens_host_disk_'));
  const before = expectedDiskLine();
  if (before === undefined) {
    // tmpfs, overlay, NFS: no block device, so no series (and no error).
    assert.deepEqual(disk, []);
    return;
  }
  const device = before[2]!;
  const ours = () =>
    Object.fromEntries(diskCounters.map(([field, name]) => [field, metricValue(registry, name, { device })]));
  const oursBefore = ours();
  const awk = expectedDiskLine()!.map(Number);
  const oursAfter = ours();
  // iostats.rst: fields 4–14 of a line; sectors are 512 bytes, times ms.
  const tools: Record<string, number> = {
    readsCompleted: awk[3]!,
    readBytes: awk[5]! * 512,
    readSeconds: awk[6]! / 1000,
    writesCompleted: awk[7]!,
    writtenBytes: awk[9]! * 512,
    writeSeconds: awk[10]! / 1000,
    ioSeconds: awk[12]! / 1000,
    weightedIoSeconds: awk[13]! / 1000,
  };
  for (const [field] of diskCounters)
    assertBetween(`${device} ${field}`, oursBefore[field]!, tools[field]!, oursAfter[field]!);
});
