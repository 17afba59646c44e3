import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  clearFailPoints,
  configureFailPoints,
  describeFailPoints,
  FailPointPanic,
  FailPointSyntaxError,
  failPoint,
  failPointAsync,
  failPointError,
  failPointsEnabled,
  listFailPoints,
  parseFailActions,
  removeFailPoint,
  setFailPoint,
  setFailPointHooks,
} from './failpoint.js';

const defaultBlock = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

afterEach(() => {
  clearFailPoints();
  setFailPointHooks({ random: Math.random, print: () => {}, blockThread: defaultBlock });
});

test('parser: kinds, arguments, probability and count prefixes, chains', () => {
  const tasks = parseFailActions('10%3*return(x)->sleep(5)->print(a(b)c)->off');
  assert.deepEqual(
    tasks.map((t) => [t.kind, t.probability, t.remaining, t.arg]),
    [
      ['return', 0.1, 3, 'x'],
      ['sleep', 1, Infinity, '5'],
      ['print', 1, Infinity, 'a(b)c'],
      ['off', 1, Infinity, undefined],
    ],
  );
  assert.equal(parseFailActions('2*kill')[0]!.remaining, 2);
  assert.equal(parseFailActions('return')[0]!.arg, undefined);
  for (const bad of ['explode', 'return(x', '150%return', 'sleep(abc)', 'sleep', '3*']) {
    assert.throws(() => parseFailActions(bad), /bad fail point|sleep needs/, bad);
  }
  assert.throws(() => configureFailPoints('a=return;nonsense'), /expected name=actions/);
  assert.deepEqual(listFailPoints(), {}, 'a bad spec changes nothing');
});

test('nothing configured: failPoint returns undefined', async () => {
  assert.equal(failPoint('x'), undefined);
  assert.equal(await failPointAsync('x'), undefined);
  assert.equal(failPointError('x'), undefined);
});

test('return(value), with a count, then falls through to the next task of the chain', () => {
  configureFailPoints('a=2*return(first)->return(second);b=return');
  assert.equal(failPoint('a'), 'first');
  assert.equal(failPoint('a'), 'first');
  assert.equal(failPoint('a'), 'second');
  assert.equal(failPoint('b'), '');
  assert.equal(failPoint('c'), undefined);
  assert.deepEqual(listFailPoints(), { a: '0*return(first)->return(second)', b: 'return' });
  setFailPoint('a', 'off');
  assert.equal(failPoint('a'), undefined);
  assert.deepEqual(Object.keys(listFailPoints()), ['b']);
});

test('count exhausted: the point does nothing', () => {
  setFailPoint('a', '1*return(x)');
  assert.equal(failPoint('a'), 'x');
  assert.equal(failPoint('a'), undefined);
});

test('probability: fires when the draw is below it', () => {
  const draws = [0.05, 0.5, 0.09];
  setFailPointHooks({ random: () => draws.shift()! });
  setFailPoint('a', '10%return(x)');
  assert.equal(failPoint('a'), 'x');
  assert.equal(failPoint('a'), undefined);
  assert.equal(failPoint('a'), 'x');
});

test('panic throws, print prints', () => {
  const lines: string[] = [];
  setFailPointHooks({ print: (line) => lines.push(line) });
  configureFailPoints('p=panic(boom);q=print(hello)');
  assert.throws(
    () => failPoint('p'),
    (err: unknown) => err instanceof FailPointPanic && /boom/.test(err.message),
  );
  assert.equal(failPoint('q'), undefined);
  assert.deepEqual(lines, ['fail point q: hello']);
});

test('failPointError turns return(code) into an errno-style error', () => {
  setFailPoint('w', 'return(ENOSPC)->return');
  const err = failPointError('w');
  assert.equal(err?.code, 'ENOSPC');
  setFailPoint('w', 'return');
  assert.equal(failPointError('w')?.code, 'EIO');
});

test('sleep: awaits a timer at an async site, blocks the thread at a sync one', async () => {
  const blocked: number[] = [];
  setFailPointHooks({ blockThread: (ms) => blocked.push(ms) });
  setFailPoint('s', '2*sleep(20)');
  assert.equal(failPoint('s'), undefined);
  assert.deepEqual(blocked, [20], 'the sync form blocks for the given milliseconds');
  const t0 = performance.now();
  await failPointAsync('s');
  assert.ok(performance.now() - t0 >= 15, 'a 20 ms timer');
  assert.deepEqual(blocked, [20], 'the async form does not block the thread');
});

test('sync sleep really blocks the event loop (the default blockThread)', () => {
  setFailPoint('s', 'sleep(30)');
  const t0 = performance.now();
  failPoint('s');
  // Atomics.wait with a 30 ms timeout never returns early when nobody notifies.
  assert.ok(performance.now() - t0 >= 29, `blocked ${performance.now() - t0} ms`);
});

test('pause: an async site waits until the point is switched off; a sync site warns once and goes on', async () => {
  setFailPoint('z', 'pause');
  let resumed = false;
  const waiting = failPointAsync('z').then(() => {
    resumed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resumed, false);
  assert.equal(describeFailPoints()[0]!.paused, 1);
  setFailPoint('z', 'off');
  await waiting;
  assert.equal(resumed, true);

  setFailPoint('y', 'pause');
  const changed = failPointAsync('y');
  setFailPoint('y', 'return(now)');
  assert.equal(await changed, undefined, 'changing the actions releases the pause too');
  assert.equal(failPoint('y'), 'now');

  const lines: string[] = [];
  setFailPointHooks({ print: (line) => lines.push(line) });
  setFailPoint('w', 'pause');
  assert.equal(failPoint('w'), undefined);
  assert.equal(failPoint('w'), undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /fail point w: pause at a synchronous call site does not block/);
});

test('probability and count together: 10%3*return(x) fires on 3 successful draws, then never', () => {
  // Draws below 0.1 succeed; the count is used only by a successful draw.
  const draws = [0.5, 0.01, 0.99, 0.05, 0.0999, 0.2, 0.0];
  setFailPointHooks({ random: () => draws.shift()! });
  setFailPoint('a', '10%3*return(x)');
  const got = Array.from({ length: 7 }, () => failPoint('a'));
  assert.deepEqual(got, [undefined, 'x', undefined, 'x', 'x', undefined, undefined]);
  assert.equal(draws.length, 0, 'every evaluation drew once');
  assert.deepEqual(listFailPoints(), { a: '10%0*return(x)' });
});

test('chains: a failed draw moves on to the next task; counts fall through', () => {
  const draws = [0.9, 0.1, 0.9];
  setFailPointHooks({ random: () => draws.shift()! });
  setFailPoint('c', '50%return(maybe)->1*panic(once)->return(last)');
  assert.throws(() => failPoint('c'), /fail point c panicked: once/, 'draw 0.9 fails: the panic fires');
  assert.equal(failPoint('c'), 'maybe', 'draw 0.1 succeeds');
  assert.equal(failPoint('c'), 'last', 'draw 0.9 fails, the panic is used up');
  setFailPoint('d', '2*off->print(p->q)->return');
  const lines: string[] = [];
  setFailPointHooks({ print: (line) => lines.push(line) });
  assert.deepEqual(
    Array.from({ length: 3 }, () => failPoint('d')),
    [undefined, undefined, undefined],
  );
  assert.deepEqual(lines, ['fail point d: p->q'], '-> inside parentheses is part of the argument');
  assert.deepEqual(
    describeFailPoints().find((p) => p.name === 'd'),
    { name: 'd', actions: '0*off->print(p->q)->return', hits: 3, paused: 0 },
  );
});

test('parse errors say what is wrong and what is expected', () => {
  const cases: [string, RegExp][] = [
    ['explode', /unknown action "explode"; expected off, return\[\(value\)\], sleep\(ms\)/],
    ['return(x', /unbalanced parenthesis/],
    ['150%return', /probability 150% is over 100%/],
    ['sleep(abc)', /sleep needs milliseconds/],
    ['sleep', /sleep needs milliseconds/],
    ['3*', /bad fail point action "3\*": expected off/],
    ['return->', /bad fail point action "" in "return->": empty action/],
    ['pause(1)', /pause takes no argument/],
  ];
  for (const [text, message] of cases)
    assert.throws(
      () => setFailPoint('a', text),
      (err: unknown) =>
        err instanceof FailPointSyntaxError && err.code === 'bad_fail_point' && message.test(err.message),
      text,
    );
  assert.throws(() => setFailPoint('a b', 'return'), /bad fail point name "a b"/);
  assert.deepEqual(listFailPoints(), {}, 'nothing was set');
});

test('nothing configured: the fast path is one boolean check, no lookup', () => {
  const get = Map.prototype.get;
  let lookups = 0;
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    lookups++;
    return get.call(this, key);
  };
  try {
    assert.equal(failPointsEnabled(), false);
    for (let i = 0; i < 1000; i++) failPoint('x');
    assert.equal(lookups, 0, 'disabled: the map is never consulted');
    setFailPoint('other', 'return');
    assert.equal(failPointsEnabled(), true);
    lookups = 0;
    assert.equal(failPoint('x'), undefined);
    assert.equal(lookups, 1, 'enabled: one lookup by name');
  } finally {
    Map.prototype.get = get;
  }
  assert.equal(removeFailPoint('other'), true);
  assert.equal(removeFailPoint('other'), false);
  assert.equal(failPointsEnabled(), false, 'the last point removed: back to the fast path');
});

test('a bad FLOWLENS_FAILPOINTS stops the process at start with the reason', () => {
  const module = fileURLToPath(new URL('./failpoint.js', import.meta.url));
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(module)});`],
    {
      env: { ...process.env, FLOWLENS_FAILPOINTS: 'store.x=sleep(soon)' },
      encoding: 'utf8',
    },
  );
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    /^flowlens: FLOWLENS_FAILPOINTS: bad fail point action "sleep\(soon\)": sleep needs/,
  );
});

test('kill ends the process with SIGKILL; FLOWLENS_FAILPOINTS is read at start', () => {
  const module = fileURLToPath(new URL('./failpoint.js', import.meta.url));
  const script = `const m = await import(${JSON.stringify(module)}); console.log(m.failPoint('x')); m.failPoint('k'); console.log('alive');`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, FLOWLENS_FAILPOINTS: 'x=return(hi);k=kill' },
    encoding: 'utf8',
  });
  assert.equal(run.stdout, 'hi\n');
  assert.equal(run.signal, 'SIGKILL');
});
