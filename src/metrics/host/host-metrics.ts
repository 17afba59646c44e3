import { readFileSync } from 'node:fs';
import type { Registry } from '../registry.js';
import { cachedLoad } from './cached-load.js';
import { parseLoadAvg } from './proc-loadavg.js';
import { parseMeminfo } from './proc-meminfo.js';
import { cpuModes, parseProcStat } from './proc-stat.js';
import { type SourceOptions, works } from './sources.js';

/** /proc/meminfo field → metric and help. Fields the kernel lacks get no series. */
const memoryFields: readonly [string, string, string][] = [
  ['MemTotal', 'flowlens_host_memory_total_bytes', 'Physical memory'],
  [
    'MemFree',
    'flowlens_host_memory_free_bytes',
    'Memory not used at all (see available for what can be had)',
  ],
  [
    'MemAvailable',
    'flowlens_host_memory_available_bytes',
    'Memory available for new work without swapping: free plus reclaimable caches',
  ],
  ['Buffers', 'flowlens_host_memory_buffers_bytes', 'Block-device buffers'],
  ['Cached', 'flowlens_host_memory_cached_bytes', 'Page cache (file contents), shared memory included'],
  ['Shmem', 'flowlens_host_memory_shared_bytes', 'Shared memory and tmpfs'],
  ['Dirty', 'flowlens_host_memory_dirty_bytes', 'Page cache waiting to be written to disk'],
  ['Writeback', 'flowlens_host_memory_writeback_bytes', 'Page cache being written to disk now'],
  ['Slab', 'flowlens_host_memory_slab_bytes', 'Kernel slab allocations (socket buffers, dentries, inodes)'],
  ['SwapTotal', 'flowlens_host_swap_total_bytes', 'Swap space'],
  ['SwapFree', 'flowlens_host_swap_free_bytes', 'Swap space unused'],
];

/** CPU, scheduler and memory of the host, from /proc/stat, /proc/loadavg and /proc/meminfo. */
export function registerHostMetrics(registry: Registry, { procRoot, maxAgeMs }: SourceOptions): void {
  const text = (file: string) => readFileSync(`${procRoot}/${file}`, 'utf8');
  const stat = cachedLoad(() => parseProcStat(text('stat')), maxAgeMs);
  if (works(stat)) {
    for (const mode of cpuModes)
      registry.counterFn(
        'flowlens_host_cpu_seconds_total',
        () => stat().cpuSeconds[mode],
        { mode },
        {
          help: 'CPU time of the host by mode, summed over CPUs (guest time is counted in user and nice)',
        },
      );
    const gauges: [string, () => number, string][] = [
      ['flowlens_host_online_cpus', () => stat().cpus, 'CPUs online'],
      ['flowlens_host_running_tasks', () => stat().procsRunning, 'Threads runnable now'],
      ['flowlens_host_blocked_tasks', () => stat().procsBlocked, 'Threads blocked waiting for disk I/O'],
      [
        'flowlens_host_boot_time_seconds',
        () => stat().bootTime,
        'When the host booted, seconds since the Unix epoch',
      ],
    ];
    for (const [name, fn, help] of gauges) registry.gaugeFn(name, fn, undefined, { help });
    registry.counterFn('flowlens_host_context_switches_total', () => stat().contextSwitches, undefined, {
      help: 'Context switches on the host',
    });
    registry.counterFn('flowlens_host_forks_total', () => stat().forks, undefined, {
      help: 'Processes and threads created on the host',
    });
  }

  const load = cachedLoad(() => parseLoadAvg(text('loadavg')), maxAgeMs);
  if (works(load)) {
    const gauges: [string, () => number, string][] = [
      ['flowlens_host_load_average_1m', () => load().load1, '1 minute'],
      ['flowlens_host_load_average_5m', () => load().load5, '5 minutes'],
      ['flowlens_host_load_average_15m', () => load().load15, '15 minutes'],
    ];
    for (const [name, fn, span] of gauges)
      registry.gaugeFn(name, fn, undefined, {
        help: `Load average over ${span}: threads runnable or in uninterruptible sleep`,
      });
    registry.gaugeFn('flowlens_host_existing_tasks', () => load().tasks, undefined, {
      help: 'Processes and threads that exist on the host',
    });
  }

  const meminfo = cachedLoad(() => parseMeminfo(text('meminfo')), maxAgeMs);
  if (!works(meminfo)) return;
  const present = meminfo();
  for (const [field, name, help] of memoryFields)
    if (present.has(field))
      registry.gaugeFn(name, () => meminfo().get(field) ?? Number.NaN, undefined, { help });
}
