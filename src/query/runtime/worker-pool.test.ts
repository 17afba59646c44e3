import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { TestTask } from '../../../test/helpers/pool-test-worker.js';
import { QueryError } from '../errors.js';
import { statementTimeoutError } from './cancel.js';
import { WorkerPool } from './worker-pool.js';

const script = new URL('../../../test/helpers/pool-test-worker.js', import.meta.url);

function testPool(t: TestContext, size: number, pipeline?: number): WorkerPool<TestTask, unknown> {
  const pool = new WorkerPool<TestTask, unknown>({ script, size, pipeline });
  t.after(() => pool.stop());
  return pool;
}

function gate(): { gate: Int32Array; open(): void } {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    gate: cell,
    open() {
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
    },
  };
}

/** Settles to 'ok:<value>' or '<code>:<message>', never rejects. */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    (v) => `ok:${String(v)}`,
    (e: QueryError) => `${e.code}:${e.message}`,
  );
}

test('a size of 0 means one worker per core', (t) => {
  assert.ok(testPool(t, 0).size >= 1);
});

test('a big query does not starve a small one: one worker serves the queries round-robin', async (t) => {
  const pool = testPool(t, 1);
  const big = pool.open();
  const small = pool.open();
  const order: string[] = [];
  const done: Promise<unknown>[] = [];
  const submit = (q: typeof big, label: string) =>
    done.push(q.submit({ kind: 'echo', label }).then((v) => order.push(v as string)));
  for (let i = 0; i < 40; i++) submit(big, `big${i}`);
  for (let i = 0; i < 3; i++) submit(small, `small${i}`);
  assert.equal(pool.busyWorkers, 1);
  assert.equal(pool.queueDepth, 42);
  await Promise.all(done);
  // big0 went to the worker at once and big1 was next in the round the small query joined after;
  // from then on the two queries alternate until the small one has no jobs left.
  assert.deepEqual(order.slice(0, 8), ['big0', 'big1', 'small0', 'big2', 'small1', 'big3', 'small2', 'big4']);
  assert.equal(order.length, 43);
  assert.equal(pool.jobsRun, 43);
  assert.equal(pool.queueDepth, 0);
  assert.equal(pool.busyWorkers, 0);
  big.close();
  small.close();
});

test('cancelling drops queued jobs at once, rejects running ones with 57014 and discards their results', async (t) => {
  const pool = testPool(t, 1);
  const controller = new AbortController();
  const a = pool.open(controller.signal);
  const b = pool.open();
  const g = gate();
  const running = outcome(a.submit({ kind: 'gate', gate: g.gate, label: 'a-running' }));
  const queued = Array.from({ length: 10 }, (_, i) => outcome(a.submit({ kind: 'echo', label: `a${i}` })));
  const other = outcome(b.submit({ kind: 'echo', label: 'b' }));
  assert.equal(pool.queueDepth, 11);
  controller.abort();
  assert.equal(pool.queueDepth, 1, "only the other query's job is still queued");
  const cancelled = '57014:canceling statement due to user request';
  // The running job is still blocked on its gate: its rejection cannot have waited for its result.
  assert.equal(await running, cancelled);
  for (const p of queued) assert.equal(await p, cancelled);
  assert.equal(await outcome(a.submit({ kind: 'echo', label: 'late' })), cancelled);
  g.open();
  assert.equal(await other, 'ok:b');
  assert.equal(pool.jobsRun, 2, 'the gate job and the other query’s job; none of the dropped ones');
  a.close();
  b.close();
});

test('a query aborted with a timeout reason rejects with the statement-timeout message', async (t) => {
  const pool = testPool(t, 1);
  const controller = new AbortController();
  const q = pool.open(controller.signal);
  const g = gate();
  const p = outcome(q.submit({ kind: 'gate', gate: g.gate, label: 'x' }));
  controller.abort(statementTimeoutError(50));
  assert.equal(await p, '57014:canceling statement due to statement timeout');
  g.open();
  q.close();
});

test('an already aborted signal rejects every job without running it', async (t) => {
  const pool = testPool(t, 1);
  const q = pool.open(AbortSignal.abort());
  assert.equal(
    await outcome(q.submit({ kind: 'echo', label: 'x' })),
    '57014:canceling statement due to user request',
  );
  assert.equal(pool.workers, 0);
});

for (const how of ['exit', 'throw'] as const) {
  test(`a worker that crashes (${how}) fails only its query's job (XX000) and is replaced`, async (t) => {
    const pool = testPool(t, 2);
    const other = pool.open();
    const g = gate();
    const blocked = outcome(other.submit({ kind: 'gate', gate: g.gate, label: 'survivor' }));
    const victim = pool.open();
    const crashed = await outcome(victim.submit({ kind: 'crash', how }));
    assert.match(
      crashed,
      how === 'exit' ? /^XX000:.*exited unexpectedly \(exit code 3\)/ : /^XX000:.*crashed: boom/,
    );
    assert.equal(pool.workerCrashes, 1);
    // The other worker is still blocked on the gate, so this job needs a replacement worker.
    assert.equal(await outcome(victim.submit({ kind: 'echo', label: 'again' })), 'ok:again');
    assert.equal(pool.workers, 2);
    g.open();
    assert.equal(await blocked, 'ok:survivor');
    other.close();
    victim.close();
  });
}

test('results come back transferred, and posted typed arrays move to the worker', async (t) => {
  const pool = testPool(t, 1);
  const q = pool.open();
  const result = (await q.submit({ kind: 'array', length: 100_000 })) as { values: Float64Array };
  assert.equal(result.values.length, 100_000);
  assert.equal(result.values[99_999], 99_999);
  assert.equal(await q.submit({ kind: 'lastDetached' }), true, 'the worker no longer has the buffer');
  const values = Float64Array.from({ length: 1000 }, (_, i) => i * 2);
  const expected = 999 * 1000; // 2 * (0 + 1 + … + 999)
  const sum = q.submit({ kind: 'sum', values }, [values.buffer]);
  assert.equal(values.byteLength, 0, 'detached on the main thread: moved, not copied');
  assert.equal(await sum, expected);
  q.close();
});

test('errors thrown in a worker come back as the same classes with their fields', async (t) => {
  const pool = testPool(t, 1);
  const q = pool.open();
  const fail = (error: 'stale' | 'corrupt' | 'query' | 'plain') =>
    q.submit({ kind: 'fail', error, path: '/data/x.seg' }).then(
      () => assert.fail('should reject'),
      (e: unknown) => e as Error & Record<string, unknown>,
    );
  const { StaleJobError } = await import('../../store/read/errors.js');
  const { CorruptSegmentError } = await import('../../store/segment/types.js');
  const stale = await fail('stale');
  assert.ok(stale instanceof StaleJobError);
  assert.equal(stale.code, 'stale_job');
  assert.equal(stale.path, '/data/x.seg');
  assert.equal(stale.retryable, true);
  const corrupt = await fail('corrupt');
  assert.ok(corrupt instanceof CorruptSegmentError);
  assert.equal(corrupt.path, '/data/x.seg');
  assert.equal(corrupt.message, 'corrupt segment /data/x.seg: checksum mismatch in block 2');
  const query = await fail('query');
  assert.ok(query instanceof QueryError);
  assert.equal(query.code, '22012');
  assert.equal(query.hint, 'check b');
  const plain = await fail('plain');
  assert.equal(plain.name, 'TypeError');
  assert.equal(plain.code, 'E_PLAIN');
  assert.equal(plain.message, 'plain failure');
  assert.match(String(plain.stack), /pool-test-worker/);
  assert.equal(await q.submit({ kind: 'echo', label: 'still works' }), 'still works');
  q.close();
});

test('stop fails queued and running jobs with 57P01 and terminates the workers', async (t) => {
  const pool = testPool(t, 1);
  const q = pool.open();
  const g = gate();
  t.after(() => g.open());
  const running = outcome(q.submit({ kind: 'gate', gate: g.gate, label: 'x' }));
  const queued = outcome(q.submit({ kind: 'echo', label: 'y' }));
  // The worker is blocked on the gate, never opened: terminate must not wait for it.
  await pool.stop();
  assert.match(await running, /^57P01:/);
  assert.match(await queued, /^57P01:/);
  assert.equal(pool.workers, 0);
  assert.match(await outcome(q.submit({ kind: 'echo', label: 'z' })), /^57P01:/);
});

test('with a pipeline of 2 a worker holds its next job; a crash fails both of them', async (t) => {
  const pool = testPool(t, 1, 2);
  const q = pool.open();
  const g = gate();
  const first = outcome(q.submit({ kind: 'gate', gate: g.gate, label: 'first' }));
  const second = outcome(q.submit({ kind: 'echo', label: 'second' }));
  const third = outcome(q.submit({ kind: 'echo', label: 'third' }));
  // One worker: the gated job runs, the second is posted behind it, the third waits in the pool.
  assert.equal(pool.workers, 1);
  assert.equal(pool.busyWorkers, 1);
  assert.equal(pool.queueDepth, 1);
  g.open();
  assert.deepEqual(await Promise.all([first, second, third]), ['ok:first', 'ok:second', 'ok:third']);
  assert.equal(pool.jobsRun, 3);
  // A crashing job with another posted behind it on the same worker: both are lost.
  const crash = outcome(q.submit({ kind: 'crash', how: 'exit' }));
  const behind = outcome(q.submit({ kind: 'echo', label: 'behind' }));
  assert.equal(pool.queueDepth, 0);
  assert.match(await crash, /^XX000:.*exited unexpectedly/);
  assert.match(await behind, /^XX000:.*exited unexpectedly/);
  assert.equal(await outcome(q.submit({ kind: 'echo', label: 'after' })), 'ok:after');
  q.close();
});
