import type { Registry } from '../registry.js';
import { registerDiskMetrics } from './disk-metrics.js';
import { registerHostMetrics } from './host-metrics.js';
import { registerNetworkMetrics } from './network-metrics.js';
import { registerProcessMetrics } from './process-metrics.js';
import { registerRuntimeMetrics } from './runtime-metrics.js';
import { registerUdpMetrics } from './udp-metrics.js';

export interface HostMetricsOptions {
  /** The data directory: its filesystem's space and its block device's I/O are reported. */
  readonly dataDir: string;
  /** Where procfs is mounted. Default /proc. */
  readonly procRoot?: string;
  /** One read of a /proc file serves every series read within this many ms. Default 100. */
  readonly maxAgeMs?: number;
}

export interface HostMetrics {
  /** Stops the event-loop delay monitor and the GC observer; the other series stay readable. */
  stop(): void;
}

/**
 * Process and host metrics as tcollector gathers them: CPU, memory, event-loop lag, GC pauses,
 * file descriptors, the data directory's disk space and I/O, network and UDP counters. Every value
 * is read at export from /proc, statfs or the runtime; a source that cannot be read at start
 * (no procfs) gets no series.
 */
export function instrumentHost(registry: Registry, options: HostMetricsOptions): HostMetrics {
  const sources = { procRoot: options.procRoot ?? '/proc', maxAgeMs: options.maxAgeMs ?? 100 };
  registerProcessMetrics(registry, sources);
  const runtime = registerRuntimeMetrics(registry, sources);
  registerHostMetrics(registry, sources);
  registerNetworkMetrics(registry, sources);
  registerUdpMetrics(registry, sources);
  registerDiskMetrics(registry, { ...sources, dataDir: options.dataDir });
  return runtime;
}
