import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import type { Registry } from '../registry.js';
import type { Timer } from '../timer.js';
import { cachedLoad } from './cached-load.js';

export interface RuntimeOptions {
  readonly maxAgeMs: number;
  /** The event-loop delay monitor's timer, ms (Node's default 10). */
  readonly lagResolutionMs?: number;
}

export interface RuntimeMetrics {
  /** Stops the event-loop delay monitor and the GC observer. */
  stop(): void;
  /** Delays the monitor has recorded in the current window (it records one per run after its first). */
  lagSamples(): number;
}

const gcKinds: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Event-loop lag and utilization, and GC pauses: the only host metrics that do work between
 * exports (Node's delay monitor, a native timer; and a PerformanceObserver called after each GC).
 *
 * The lag gauges describe the window since the previous export round and reset the monitor when
 * read (once per round: the round's reads share one snapshot). With two readers (a Prometheus
 * scrape and the OpenTSDB push) each window ends at whichever read came last, so a spike is
 * reported once, to one of them; the GC timer and the busy-seconds counter are cumulative and
 * seen by both.
 */
export function registerRuntimeMetrics(registry: Registry, options: RuntimeOptions): RuntimeMetrics {
  const resolutionMs = options.lagResolutionMs ?? 10;
  const monitor = monitorEventLoopDelay({ resolution: resolutionMs });
  monitor.enable();
  // The monitor records the time between its timer's runs: the resolution plus the lag.
  const lag = (ns: number) =>
    monitor.count === 0 ? Number.NaN : Math.max(0, ns / 1e9 - resolutionMs / 1000);
  const window = cachedLoad(() => {
    const w = {
      p50: lag(monitor.percentile(50)),
      p99: lag(monitor.percentile(99)),
      max: lag(monitor.max),
      mean: lag(monitor.mean),
    };
    monitor.reset();
    return w;
  }, options.maxAgeMs);
  const lagGauges: [string, () => number, string][] = [
    ['p50', () => window().p50, 'median'],
    ['p99', () => window().p99, '99th percentile'],
    ['max', () => window().max, 'maximum'],
    ['mean', () => window().mean, 'mean'],
  ];
  for (const [stat, fn, what] of lagGauges)
    registry.gaugeFn(`flowlens_process_event_loop_lag_${stat}_seconds`, fn, undefined, {
      help: `Event-loop lag since the previous export, ${what}: how late timers and I/O callbacks ran`,
    });
  registry.counterFn(
    'flowlens_process_event_loop_busy_seconds_total',
    () => performance.eventLoopUtilization().active / 1000,
    undefined,
    { help: 'Time the event loop spent running JavaScript and callbacks rather than waiting for I/O' },
  );

  const help = 'Garbage-collection pauses by kind (minor: scavenge, major: mark-sweep-compact, …)';
  const timers = new Map<number, Timer>();
  for (const [code, kind] of gcKinds)
    timers.set(code, registry.timer('flowlens_process_gc_pause_seconds', { kind }, { help }));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const code = (entry as { detail?: { kind?: number } | null }).detail?.kind ?? -1;
      const timer =
        timers.get(code) ?? registry.timer('flowlens_process_gc_pause_seconds', { kind: 'other' }, { help });
      timer.update(entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      monitor.disable();
    },
    lagSamples: () => monitor.count,
  };
}
