import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Registry } from '../registry.js';
import { cachedLoad } from './cached-load.js';
import { parseMaxOpenFiles, parseThreads } from './proc-self.js';
import { type SourceOptions, works } from './sources.js';

/** Open file descriptors of this process: /proc/self/fd less the one readdir itself holds open. */
export function countOwnFds(procRoot = '/proc'): number {
  return readdirSync(`${procRoot}/self/fd`).length - 1;
}

/** CPU, memory, file descriptors, threads and start time of this process, read at export. */
export function registerProcessMetrics(registry: Registry, { procRoot, maxAgeMs }: SourceOptions): void {
  // getrusage(RUSAGE_SELF): every thread of the process, unlike /proc/self/status's switch counts.
  const usage = cachedLoad(() => process.resourceUsage(), maxAgeMs);
  const cpu = 'flowlens_process_cpu_seconds_total';
  registry.counterFn(
    cpu,
    () => usage().userCPUTime / 1e6,
    { mode: 'user' },
    {
      help: 'CPU time this process spent in user and kernel (system) mode',
    },
  );
  registry.counterFn(cpu, () => usage().systemCPUTime / 1e6, { mode: 'system' });
  const switches = 'flowlens_process_context_switches_total';
  registry.counterFn(
    switches,
    () => usage().voluntaryContextSwitches,
    { kind: 'voluntary' },
    {
      help: 'Context switches of this process: voluntary (it waited) or involuntary (preempted)',
    },
  );
  registry.counterFn(switches, () => usage().involuntaryContextSwitches, { kind: 'involuntary' });
  registry.gaugeFn('flowlens_process_resident_memory_peak_bytes', () => usage().maxRSS * 1024, undefined, {
    help: 'Largest resident set size this process has had',
  });

  const memory = cachedLoad(() => process.memoryUsage(), maxAgeMs);
  const memoryGauges: [string, () => number, string][] = [
    ['flowlens_process_resident_memory_bytes', () => memory().rss, 'Resident set size of this process'],
    [
      'flowlens_process_heap_used_bytes',
      () => memory().heapUsed,
      'V8 heap in use (live and not yet collected objects)',
    ],
    ['flowlens_process_heap_total_bytes', () => memory().heapTotal, 'V8 heap reserved from the OS'],
    [
      'flowlens_process_heap_limit_bytes',
      () => getHeapStatistics().heap_size_limit,
      'Largest V8 heap before the process dies of heap exhaustion (--max-old-space-size)',
    ],
    [
      'flowlens_process_external_memory_bytes',
      () => memory().external,
      'Memory of C++ objects bound to JavaScript objects, Buffers and ArrayBuffers included',
    ],
    [
      'flowlens_process_array_buffers_bytes',
      () => memory().arrayBuffers,
      'Memory of ArrayBuffers and SharedArrayBuffers, Buffers included (part of external)',
    ],
  ];
  for (const [name, fn, help] of memoryGauges) registry.gaugeFn(name, fn, undefined, { help });
  registry.gaugeFn('flowlens_process_start_time_seconds', () => performance.timeOrigin / 1000, undefined, {
    help: 'When this process started, seconds since the Unix epoch',
  });

  const fds = cachedLoad(() => countOwnFds(procRoot), maxAgeMs);
  if (works(fds))
    registry.gaugeFn('flowlens_process_open_fds', fds, undefined, {
      help: 'File descriptors this process holds open (files, sockets, pipes)',
    });
  const maxFds = cachedLoad(
    () => parseMaxOpenFiles(readFileSync(`${procRoot}/self/limits`, 'utf8')),
    maxAgeMs,
  );
  if (works(maxFds))
    registry.gaugeFn('flowlens_process_max_fds', maxFds, undefined, {
      help: 'Soft limit on open file descriptors (ulimit -n); past it accept() and open() fail with EMFILE',
    });

  const threads = cachedLoad(() => parseThreads(readFileSync(`${procRoot}/self/status`, 'utf8')), maxAgeMs);
  if (works(threads))
    registry.gaugeFn('flowlens_process_os_threads', threads, undefined, {
      help: 'OS threads of this process (main, libuv pool, V8, query workers)',
    });
}
