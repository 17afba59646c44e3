import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  clearFailPoints,
  configureFailPoints,
  FailPointPanic,
  failPoint,
  failPointAsync,
  failPointError,
  listFailPoints,
  parseFailActions,
  setFailPoint,
  setFailPointHooks,
} from './failpoint.js';

afterEach(() => {
  clearFailPoints();
  setFailPointHooks({ random: Math.random });
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

test('sleep waits asynchronously; pause waits until the point is changed', async () => {
  setFailPoint('s', 'sleep(20)');
  const t0 = Date.now();
  assert.equal(failPoint('s'), undefined, 'the sync form never blocks');
  await failPointAsync('s');
  assert.ok(Date.now() - t0 >= 15);

  setFailPoint('z', 'pause');
  let resumed = false;
  const waiting = failPointAsync('z').then(() => {
    resumed = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resumed, false);
  setFailPoint('z', 'off');
  await waiting;
  assert.equal(resumed, true);
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
