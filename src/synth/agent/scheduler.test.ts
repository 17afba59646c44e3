import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import type { TcpResult, TcpSpec, TestResult, TestSpec } from '../contract.js';
import { Scheduler, type SchedulerConfig } from './scheduler.js';

/**
 * The scheduler on a manual clock: no sleeps, every time exact. Fake probes take a duration the
 * test chooses (resolving on a clock timer) or hang until aborted, and record when they started.
 */

const T0 = 1_700_000_000_000;

function spec(id: string, intervalS: number, timeoutMs = 500): TcpSpec {
  return { id, type: 'tcp', target: '127.0.0.1', intervalS, timeoutMs, port: 9 };
}

function result(s: TestSpec, time: number, error = ''): TcpResult {
  return {
    testId: s.id,
    type: 'tcp',
    target: s.target,
    address: '127.0.0.1',
    time,
    ok: error === '',
    error,
    latencyMs: 1,
  };
}

/** Random draws the test knows in advance: the i-th task added gets offsets[i] of its interval. */
function draws(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

interface Harness {
  clock: ManualClock;
  scheduler: Scheduler;
  /** Per test id: when each run started (clock time). */
  starts: Map<string, number[]>;
  results: TestResult[];
  running: () => number;
  maxRunning: () => number;
  /** Advances `ms` in steps, letting promise callbacks run between them. */
  advance(ms: number, stepMs?: number): Promise<void>;
}

function harness(
  config: Partial<SchedulerConfig>,
  durationMs: (s: TestSpec, run: number) => number | 'hang',
  random: () => number,
): Harness {
  const clock = new ManualClock(T0);
  const starts = new Map<string, number[]>();
  const results: TestResult[] = [];
  let running = 0;
  let maxRunning = 0;
  const scheduler = new Scheduler(
    {
      clock,
      random,
      run: (s, signal) =>
        new Promise((resolve) => {
          const list = starts.get(s.id) ?? [];
          starts.set(s.id, list);
          list.push(clock.now());
          running++;
          maxRunning = Math.max(maxRunning, running);
          const done = (error: string) => {
            running--;
            resolve(result(s, clock.now(), error));
          };
          signal.addEventListener('abort', () => done('aborted'), { once: true });
          const d = durationMs(s, list.length - 1);
          if (d !== 'hang') clock.setTimer(d, () => !signal.aborted && done(''));
        }),
      onResult: (r) => results.push(r),
    },
    { concurrency: 1000, lateMs: 100, graceMs: 1000, tickGrainMs: 1, ...config },
  );
  return {
    clock,
    scheduler,
    starts,
    results,
    running: () => running,
    maxRunning: () => maxRunning,
    async advance(ms, stepMs = 10) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(stepMs);
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe('the scheduler', () => {
  it('starts each task at its random offset within its interval', async () => {
    const offsets = Array.from({ length: 40 }, (_, i) => ((i * 37) % 40) / 40 + 0.001);
    const h = harness({}, () => 20, draws(offsets));
    const specs = offsets.map((_, i) => spec(`t${i}`, 10));
    h.scheduler.set(specs);
    await h.advance(10_000);
    for (const [i, s] of specs.entries()) {
      const expected = T0 + Math.floor(offsets[i]! * 10_000);
      assert.deepEqual(h.starts.get(s.id), [expected], `${s.id} ran once, at its offset`);
    }
    assert.equal(h.scheduler.stats.lateTicks, 0);
  });

  it('runs tick k at first + k × interval whatever the runs take: no drift', async () => {
    // Runs of 0-900 ms (varying) on a 1 s interval: a scheduler that waited for completion would drift.
    const h = harness({}, (_s, run) => ((run * 7) % 10) * 90, draws([0.25]));
    h.scheduler.set([spec('a', 1, 950)]);
    await h.advance(100_000);
    const first = T0 + 250;
    const starts = h.starts.get('a')!;
    assert.equal(starts.length, 100, 'one run per second');
    for (const [k, t] of starts.entries()) assert.equal(t, first + k * 1000, `run ${k} started on its tick`);
    const times = h.results.map((r) => r.time);
    assert.deepEqual(
      times,
      starts.slice(0, times.length),
      "each result's time is its tick, the scheduled start",
    );
    assert.equal(
      h.scheduler.stats.lateTicks + h.scheduler.stats.overrunTicks + h.scheduler.stats.missedTicks,
      0,
    );
  });

  it('a task that hangs delays no other task; its ticks are overruns, its run is given up', async () => {
    const h = harness({ graceMs: 1000 }, (s) => (s.id === 'slow' ? 'hang' : 30), draws([0, 0.5]));
    h.scheduler.set([spec('slow', 1, 800), spec('fast', 1, 800)]);
    await h.advance(20_000);
    const fast = h.starts.get('fast')!;
    assert.equal(fast.length, 20);
    for (const [k, t] of fast.entries()) assert.equal(t, T0 + 500 + k * 1000, `fast run ${k} on time`);
    // The hung run is aborted at timeout + grace (1.8 s); our fake answers the abort, so it ends
    // there with error 'aborted' and the slow task runs again at its next tick (every 2 s: start,
    // tick +1 s overrun, abort at +1.8 s, next run at +2 s). Through +20 s: runs at 0, 2, … 20 s,
    // overruns at 1, 3, … 19 s, and the runs up to 18 s aborted.
    const slow = h.starts.get('slow')!;
    assert.deepEqual(
      slow,
      Array.from({ length: 11 }, (_, k) => T0 + 2000 * k),
    );
    assert.equal(h.scheduler.stats.overrunTicks, 10);
    assert.equal(h.results.filter((r) => r.testId === 'slow' && r.error === 'aborted').length, 10);
    assert.equal(h.scheduler.stats.lateTicks, 0);
  });

  it('gives up a run that ignores its abort: error timeout, its slot freed', async () => {
    // A probe that never settles, not even when aborted.
    const clock = new ManualClock(T0);
    const results: TestResult[] = [];
    const scheduler = new Scheduler(
      { clock, random: () => 0, run: () => new Promise(() => {}), onResult: (r) => results.push(r) },
      { concurrency: 1, lateMs: 100, graceMs: 1000, tickGrainMs: 1 },
    );
    scheduler.set([spec('stuck', 10, 500)]);
    clock.advance(0);
    assert.equal(scheduler.running, 1);
    clock.advance(2499);
    assert.equal(scheduler.running, 1, 'not before timeout + 2 × grace');
    clock.advance(1);
    assert.equal(scheduler.running, 0);
    assert.equal(scheduler.stats.stuckRuns, 1);
    assert.deepEqual(
      results.map((r) => [r.testId, r.time, r.ok, r.error]),
      [['stuck', T0, false, 'timeout']],
    );
  });

  it('holds at most `concurrency` runs; the others wait in order and are counted late', async () => {
    // 10 tasks due 10 ms apart (offsets 0, 0.002, … of 5 s), 3 slots, 400 ms runs. Task i waits
    // for the slot of task i - 3: tasks 0-2 start on their ticks (0, 10, 20 ms), 3-5 at 400, 410,
    // 420 ms, 6-8 at 800, 810, 820 ms, 9 at 1200 ms; 3-9 start more than lateMs (100) late.
    const h = harness(
      { concurrency: 3, lateMs: 100 },
      () => 400,
      draws(Array.from({ length: 10 }, (_, i) => i * 0.002)),
    );
    const specs = Array.from({ length: 10 }, (_, i) => spec(`c${i}`, 5, 450));
    h.scheduler.set(specs);
    await h.advance(100);
    assert.equal(h.scheduler.running, 3);
    assert.equal(h.scheduler.queued, 7);
    await h.advance(3000);
    assert.equal(h.maxRunning(), 3);
    const firstStarts = specs.map((s) => h.starts.get(s.id)![0]! - T0);
    assert.deepEqual(firstStarts, [0, 10, 20, 400, 410, 420, 800, 810, 820, 1200], 'oldest tick first');
    assert.equal(h.scheduler.stats.lateTicks, 7);
    assert.deepEqual(
      h.results.map((r) => r.time - T0).sort((a, b) => a - b),
      specs.map((_, i) => i * 10),
      'results keep their tick time, not their late start',
    );
  });

  it('counts ticks missed when it wakes late (a blocked event loop) and runs only the latest', async () => {
    const manual = new ManualClock(T0);
    let skew = 0;
    const clock = {
      now: () => manual.now() + skew,
      setTimer: (ms: number, fn: () => void) => manual.setTimer(ms, fn),
    };
    const starts: number[] = [];
    const scheduler = new Scheduler(
      {
        clock,
        random: () => 0,
        run: (s) => {
          starts.push(clock.now());
          return Promise.resolve(result(s, clock.now()));
        },
        onResult: () => {},
      },
      { concurrency: 10, lateMs: 100, graceMs: 1000, tickGrainMs: 1 },
    );
    scheduler.set([spec('m', 1)]);
    manual.advance(0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(starts, [T0]);
    // The loop is stuck for 4.5 s: the timer for +1 s fires when the clock says +5.5 s.
    skew = 4500;
    manual.advance(1000);
    await new Promise((r) => setImmediate(r));
    assert.equal(scheduler.stats.missedTicks, 4, 'ticks +1 s … +4 s never ran');
    assert.deepEqual(starts, [T0, T0 + 5500]);
    assert.equal(scheduler.stats.lateTicks, 1, 'tick +5 s started 500 ms late');
  });

  it('updates keep the schedule unless the interval changes; removal drops the running result', async () => {
    const h = harness({}, () => 200, draws([0.1, 0.5]));
    h.scheduler.set([spec('u', 2), spec('r', 2)]);
    await h.advance(2000);
    assert.deepEqual(h.starts.get('u'), [T0 + 200]);
    h.scheduler.upsert({ ...spec('u', 2), target: '127.0.0.2' });
    await h.advance(2000);
    assert.deepEqual(h.starts.get('u'), [T0 + 200, T0 + 2200], 'same schedule after a change of target');
    assert.equal(h.results.filter((r) => r.testId === 'u').at(-1)!.target, '127.0.0.2');
    // A new interval is a new schedule: the third draw (0.1) of 3 s from now (T0 + 4 s).
    h.scheduler.upsert(spec('u', 3));
    await h.advance(6000);
    assert.deepEqual(h.starts.get('u')!.slice(2), [T0 + 4300, T0 + 7300]);
    const before = h.results.filter((r) => r.testId === 'r').length;
    // 'r' runs at +1 s (mod 2 s) for 200 ms: remove it mid-run.
    await h.advance(1050);
    assert.equal(h.starts.get('r')!.at(-1), T0 + 11_000);
    h.scheduler.remove('r');
    await h.advance(5000);
    assert.equal(h.results.filter((r) => r.testId === 'r').length, before, 'the aborted run left no result');
    assert.equal(h.scheduler.size, 1);
  });
});
