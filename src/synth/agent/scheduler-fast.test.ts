import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import type { RunHandle, TcpResult, TcpSpec, TestResult, TestSpec } from '../contract.js';
import { Scheduler, type SchedulerConfig, type SchedulerDeps } from './scheduler.js';

/** The scheduler's fast path (deps.start: no promise, AbortController or timer per run), on a manual clock. */

const T0 = 1_700_000_000_000;

function spec(id: string, intervalS: number, timeoutMs = 500): TcpSpec {
  return { id, type: 'tcp', target: '127.0.0.1', intervalS, timeoutMs, port: 9 };
}

function result(s: TestSpec, time: number, error = ''): TcpResult {
  return {
    testId: s.id,
    type: 'tcp',
    target: s.target,
    address: '',
    time,
    ok: error === '',
    error,
    latencyMs: 1,
  };
}

const config: SchedulerConfig = { concurrency: 100, lateMs: 100, graceMs: 1000, tickGrainMs: 1 };
const noPromises: SchedulerDeps['run'] = () => {
  throw new Error('the promise path must not be used');
};

describe('the scheduler’s fast path', () => {
  it('starts runs through start(), each result with its tick’s time; run() is never used', () => {
    const clock = new ManualClock(T0);
    const starts: [string, number, number][] = [];
    const results: TestResult[] = [];
    const scheduler = new Scheduler(
      {
        clock,
        random: () => 0.25,
        run: noPromises,
        start: (s, time, done) => {
          starts.push([s.id, time, clock.now()]);
          const cancel = clock.setTimer(40, () => done(result(s, time)));
          return { abort: cancel };
        },
        onResult: (r) => results.push(r),
      },
      config,
    );
    scheduler.set([spec('a', 1)]);
    clock.advance(3000);
    assert.deepEqual(
      starts,
      [250, 1250, 2250].map((ms) => ['a', T0 + ms, T0 + ms]),
    );
    assert.deepEqual(
      results.map((r) => r.time - T0),
      [250, 1250, 2250],
    );
    assert.equal(scheduler.running, 0);
    assert.deepEqual(
      [scheduler.stats.runs, scheduler.stats.lateTicks, scheduler.stats.failedRuns],
      [3, 0, 0],
    );
  });

  it('aborts a run at timeout + grace and gives it up a grace later; its late result is dropped', () => {
    const clock = new ManualClock(T0);
    const aborts: number[] = [];
    let late: (() => void) | undefined;
    const results: TestResult[] = [];
    const scheduler = new Scheduler(
      {
        clock,
        random: () => 0,
        run: noPromises,
        start: (s, time, done): RunHandle => {
          late = () => done(result(s, time, 'too late'));
          return { abort: () => aborts.push(clock.now() - T0) };
        },
        onResult: (r) => results.push(r),
      },
      { ...config, concurrency: 1 },
    );
    scheduler.set([spec('stuck', 10, 500)]);
    clock.advance(1499);
    assert.deepEqual(aborts, []);
    clock.advance(1);
    assert.deepEqual(aborts, [1500], 'timeout 500 + grace 1000');
    clock.advance(999);
    assert.equal(scheduler.running, 1);
    clock.advance(1);
    assert.deepEqual([scheduler.running, scheduler.stats.stuckRuns], [0, 1]);
    late!();
    assert.deepEqual(
      results.map((r) => [r.testId, r.time - T0, r.error]),
      [['stuck', 0, 'timeout']],
    );
  });

  it('takes a result given inside start(); a start() that throws is a failed run; no fast path → run()', async () => {
    const clock = new ManualClock(T0);
    const results: TestResult[] = [];
    const scheduler = new Scheduler(
      {
        clock,
        random: () => 0,
        run: async (s) => result(s, clock.now(), 'via promise'),
        start: (s, time, done) => {
          if (s.id === 'throws') throw new Error('boom');
          if (s.id === 'slow') return undefined;
          done(result(s, time, 'at once'));
          return { abort: () => {} };
        },
        onResult: (r) => results.push(r),
      },
      config,
    );
    scheduler.set([spec('now', 1), spec('throws', 1), spec('slow', 1)]);
    clock.advance(0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(results.map((r) => [r.testId, r.error]).sort(), [
      ['now', 'at once'],
      ['slow', 'via promise'],
      ['throws', 'failed'],
    ]);
    assert.deepEqual([scheduler.running, scheduler.stats.failedRuns], [0, 1]);
  });

  it('puts ticks on multiples of tickGrainMs, never before their offset: one wake starts many runs', () => {
    const clock = new ManualClock(T0 + 3);
    const draws = Array.from({ length: 1000 }, () => Math.random());
    let d = 0;
    const starts = new Map<string, number>();
    const scheduler = new Scheduler(
      {
        clock,
        random: () => draws[d++]!,
        run: noPromises,
        start: (s, time, done) => {
          if (!starts.has(s.id)) starts.set(s.id, clock.now());
          done(result(s, time));
          return { abort: () => {} };
        },
        onResult: () => {},
      },
      { ...config, concurrency: 2000, tickGrainMs: 10 },
    );
    scheduler.set(draws.map((_, i) => spec(`t${i}`, 1)));
    clock.advance(1100);
    for (const [i, r] of draws.entries()) {
      const offset = T0 + 3 + Math.floor(r * 1000);
      assert.equal(starts.get(`t${i}`), Math.ceil(offset / 10) * 10, `t${i}`);
    }
    assert.ok(new Set(starts.values()).size <= 101, 'at most one wake per 10 ms');
    assert.equal(scheduler.stats.lateTicks, 0);
  });
});
