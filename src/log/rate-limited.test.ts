import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.js';
import { RateLimitedErrorLog } from './rate-limited.js';

/** A rate-limited log over a JSON logger, a clock the test moves, and the lines parsed. */
function setup(intervalMs = 10_000) {
  const lines: Record<string, unknown>[] = [];
  const clock = { now: 1_000 };
  const logger = createLogger({
    service: 'test',
    format: 'json',
    destination: { write: (chunk) => lines.push(JSON.parse(chunk)) },
  });
  const errors = new RateLimitedErrorLog(
    logger.child({ component: 'collector' }),
    { intervalMs },
    () => clock.now,
  );
  return { lines, clock, errors };
}

test('N errors of one reason in an interval: one line, then a later line with suppressed N-1', () => {
  const { lines, clock, errors } = setup();
  const n = 1000;
  for (let i = 0; i < n; i++) {
    errors.error('truncated', `packet ${i}`, { exporter: '192.0.2.1' });
    clock.now += 5; // 5 s in all: inside the interval
  }
  assert.equal(lines.length, 1);
  assert.deepEqual(
    {
      level: lines[0]!.level,
      msg: lines[0]!.msg,
      reason: lines[0]!.reason,
      suppressed: lines[0]!.suppressed,
    },
    { level: 'error', msg: 'packet 0', reason: 'truncated', suppressed: undefined },
  );
  assert.equal(lines[0]!.component, 'collector');
  assert.equal(lines[0]!.exporter, '192.0.2.1');
  clock.now = 1_000 + 10_000; // the interval since the first line has passed
  errors.error('truncated', 'packet late');
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.msg, 'packet late');
  assert.equal(lines[1]!.suppressed, n - 1, 'the ones after the first, before this one');
  assert.equal(errors.counts().get('truncated'), n + 1, 'every call counted');
});

test('reasons are limited independently', () => {
  const { lines, clock, errors } = setup();
  errors.error('truncated', 'a');
  errors.error('truncated', 'b');
  errors.error('bad_version', 'c');
  clock.now += 9_999;
  errors.error('bad_version', 'd');
  assert.deepEqual(
    lines.map((l) => [l.reason, l.msg]),
    [
      ['truncated', 'a'],
      ['bad_version', 'c'],
    ],
  );
  assert.deepEqual(
    [...errors.counts()],
    [
      ['truncated', 2],
      ['bad_version', 2],
    ],
  );
});

test('flush at shutdown reports what is still suppressed, once', () => {
  const { lines, errors } = setup();
  for (let i = 0; i < 5; i++) errors.error('sink_error', 'store refused');
  errors.error('device_save', 'ENOSPC'); // logged, nothing suppressed: nothing to flush
  errors.flush();
  assert.equal(lines.length, 3);
  assert.deepEqual([lines[2]!.reason, lines[2]!.suppressed, lines[2]!.level], ['sink_error', 4, 'error']);
  assert.match(String(lines[2]!.msg), /4 more sink_error errors/);
  errors.flush();
  assert.equal(lines.length, 3, 'nothing left to report');
});

test('a line after the interval with nothing suppressed carries no suppressed field', () => {
  const { lines, clock, errors } = setup(1_000);
  errors.error('x', 'one');
  clock.now += 1_000;
  errors.error('x', 'two');
  assert.deepEqual(
    lines.map((l) => [l.msg, l.suppressed]),
    [
      ['one', undefined],
      ['two', undefined],
    ],
  );
});
