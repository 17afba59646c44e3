import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import type { PingSpec, TcpSpec, TestResult, TestSpec } from '../contract.js';
import { failureResult } from './failure-result.js';
import { Scheduler, type SchedulerConfig } from './scheduler.js';

/** The scheduler's lanes and how set() places first ticks, on a manual clock. */

const T0 = 1_700_000_000_000;

const tcp = (id: string): TcpSpec => ({
  id,
  type: 'tcp',
  target: '127.0.0.1',
  intervalS: 10,
  timeoutMs: 5000,
  port: 9,
});
const ping = (id: string): PingSpec => ({
  id,
  type: 'ping',
  target: '127.0.0.1',
  intervalS: 10,
  timeoutMs: 5000,
  count: 1,
  packetIntervalMs: 0,
  size: 56,
});

/** Runs that hang until aborted (a dead target); records when each test started. */
function hanging(clock: ManualClock, config: SchedulerConfig, random: () => number) {
  const starts = new Map<string, number>();
  const scheduler = new Scheduler(
    {
      clock,
      random,
      run: (s, signal) =>
        new Promise<TestResult>((resolve) => {
          starts.set(s.id, clock.now());
          signal.addEventListener('abort', () => resolve(failureResult(s, clock.now(), 'aborted')), {
            once: true,
          });
        }),
      onResult: () => {},
    },
    config,
  );
  return { scheduler, starts };
}

async function advance(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
}

describe('scheduler lanes', () => {
  it('pings have a bound of their own: hung TCP runs delay no ping, hung pings no TCP run', async () => {
    const clock = new ManualClock(T0);
    // Offsets in the order the tasks are added: a 1 s, b 2 s, c 3 s, p 4 s, q 5 s, r 6 s, s 7 s.
    let i = 0;
    const { scheduler, starts } = hanging(
      clock,
      { concurrency: 2, pingConcurrency: 3, lateMs: 100, graceMs: 1000, tickGrainMs: 1 },
      () => ++i / 10,
    );
    scheduler.set([tcp('a'), tcp('b'), tcp('c'), ping('p'), ping('q'), ping('r'), ping('s')]);
    await advance(clock, 6500);
    // a and b hold both TCP slots until aborted at start + timeout + grace = 7 s and 8 s; c waits.
    // The pings are not behind them: p, q, r start on their ticks and fill the ping lane; s waits.
    assert.deepEqual(
      [...starts.entries()].sort((x, y) => x[1] - y[1]),
      [
        ['a', T0 + 1000],
        ['b', T0 + 2000],
        ['p', T0 + 4000],
        ['q', T0 + 5000],
        ['r', T0 + 6000],
      ],
    );
    assert.equal(scheduler.queued, 1, 'c is queued in its lane');
    await advance(clock, 1000);
    // At 7 s a is aborted, freeing a TCP slot: c starts 4 s late. s, due at 7 s, waits for a ping slot.
    assert.equal(starts.get('c'), T0 + 7000);
    assert.equal(starts.has('s'), false);
    assert.equal(scheduler.queued, 1, 's is queued in the ping lane');
    assert.equal(scheduler.stats.lateTicks, 1);
    await scheduler.stop();
  });

  it('set() places first ticks from when the last task is in, however long adding takes', async () => {
    // A clock that moves 5 ms on every read, as if adding each task took that long.
    const clock = new ManualClock(T0);
    const slow = {
      now: () => {
        clock.advance(5);
        return clock.now();
      },
      setTimer: (ms: number, fn: () => void) => clock.setTimer(ms, fn),
    };
    const starts = new Map<string, number>();
    const scheduler = new Scheduler(
      {
        clock: slow,
        random: () => 0.5,
        run: (s) => {
          starts.set(s.id, clock.now());
          return Promise.resolve(failureResult(s, clock.now(), ''));
        },
        onResult: () => {},
      },
      { concurrency: 1000, lateMs: 100, graceMs: 1000, tickGrainMs: 1 },
    );
    const specs: TestSpec[] = Array.from({ length: 200 }, (_, k) => tcp(`t${k}`));
    scheduler.set(specs);
    const afterSet = clock.now();
    await advance(clock, 6000);
    // Every task drew the same offset (half its 10 s interval), so all first ticks are one time:
    // at most one clock read (5 ms) after set() returned, plus 5 s. Placed from the clock as each
    // task was added, they would spread over the 200 × 5 ms the adding took.
    const times = new Set(starts.values());
    assert.equal(starts.size, 200);
    assert.equal(times.size, 1, `first ticks: ${[...times].slice(0, 5).join(', ')}`);
    const [t] = times;
    assert.ok(t! >= afterSet + 5000 - 5 && t! <= afterSet + 5000 + 10, `${t! - afterSet}`);
    await scheduler.stop();
  });
});
