import assert from 'node:assert/strict';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { metricSum, metricValue } from '../../../test/helpers/host-tools.js';
import { Registry } from '../registry.js';
import { registerRuntimeMetrics } from './runtime-metrics.js';

const gcPause = 'flowlens_process_gc_pause_seconds';

test('garbage collections are timed by kind once the observer has seen them', async () => {
  const registry = new Registry();
  const runtime = registerRuntimeMetrics(registry, { maxAgeMs: 0 });
  try {
    const before = metricValue(registry, gcPause, { kind: 'minor' });
    // Observers registered later are called after ours, in the same turn: when this one has seen
    // a GC, so has ours.
    let seen = false;
    const observer = new PerformanceObserver(() => {
      seen = true;
      observer.disconnect();
    });
    observer.observe({ entryTypes: ['gc'] });
    // Short-lived objects fill the young generation (at most a few tens of MB), which forces a
    // scavenge; allocate in rounds and yield between them so the observers get called.
    let rounds = 0;
    let sink = 0;
    while (!seen) {
      for (let i = 0; i < 200_000; i++) sink += [i, i + 1].length;
      await nextTurn();
      rounds++;
      assert.ok(rounds < 10_000, 'no GC after allocating ~100 GB');
    }
    assert.ok(sink > 0);
    const kinds = ['minor', 'major', 'incremental', 'weakcb'];
    const after = kinds.reduce((n, kind) => n + metricValue(registry, gcPause, { kind }), 0);
    assert.ok(after > before, `GC count ${before} → ${after}`);
    assert.ok(
      metricValue(registry, gcPause, { kind: 'minor' }) > before,
      'allocation alone triggers scavenges',
    );
    assert.ok(metricSum(registry, gcPause, { kind: 'minor' }) > 0);
  } finally {
    runtime.stop();
  }
});

test('a blocked event loop shows as lag and busy time', async () => {
  const registry = new Registry();
  const runtime = registerRuntimeMetrics(registry, { maxAgeMs: 0, lagResolutionMs: 10 });
  try {
    // The monitor's native timer must have run before the block to time the gap after it: once it
    // has recorded a delay it has run twice (on a loaded machine that can take a while).
    while (runtime.lagSamples() === 0) await sleep(5);
    const busyBefore = metricValue(registry, 'flowlens_process_event_loop_busy_seconds_total');
    const t0 = performance.now();
    while (performance.now() - t0 < 60);
    const blockedMs = performance.now() - t0;
    // A timer turn lets the monitor's overdue timer run (timers run in order of their due time).
    await sleep(1);
    // The monitor saw a gap of at least the block (its last run was before it); the gauge reports
    // the gap less its 10 ms period.
    const lagMax = metricValue(registry, 'flowlens_process_event_loop_lag_max_seconds');
    assert.ok(lagMax >= (blockedMs - 10) / 1000, `lag max ${lagMax} s after blocking ${blockedMs} ms`);
    // The whole block was one busy stretch of the loop.
    const busy = metricValue(registry, 'flowlens_process_event_loop_busy_seconds_total') - busyBefore;
    assert.ok(busy >= (blockedMs - 1) / 1000, `busy ${busy} s after blocking ${blockedMs} ms`);
  } finally {
    runtime.stop();
  }
});
