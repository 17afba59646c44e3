import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import { QueryError } from '../errors.js';
import { cancelError } from './cancel.js';
import { QueryLimits, type QueryLimitsConfig } from './query-limits.js';

const config: QueryLimitsConfig = {
  queryRate: 2,
  queryBurst: 3,
  maxConcurrentQueries: 10,
  maxRowsScanned: 1_000_000,
  queryTimeoutMs: 5_000,
};

function refusal(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof QueryError);
    return err;
  }
  assert.fail('expected a refusal');
}

test('token bucket: a burst passes, then one query per 1/rate seconds, per tenant', () => {
  const clock = new ManualClock();
  const limits = new QueryLimits(config, clock);
  for (let i = 0; i < 3; i++) limits.admit('acme')();
  const err = refusal(() => limits.admit('acme'));
  assert.equal(err.code, '53400');
  assert.equal(err.message, 'too many queries for tenant "acme": limit 2 per second');
  // Empty bucket, 2 tokens per second: the next token is 500 ms away.
  assert.equal(err.retryAfterMs, 500);
  assert.equal(err.hint, 'retry in 500 ms');
  limits.admit('other')();
  clock.advance(499);
  assert.equal(refusal(() => limits.admit('acme')).retryAfterMs, 1);
  clock.advance(1);
  limits.admit('acme')();
  assert.equal(refusal(() => limits.admit('acme')).retryAfterMs, 500);
  clock.advance(60_000);
  for (let i = 0; i < 3; i++) limits.admit('acme')(); // refilled up to the burst, no more
  refusal(() => limits.admit('acme'));
  assert.equal(limits.refused.rate, 4);
});

test('concurrency cap: refused while the tenant runs the maximum, admitted again after a release', () => {
  const clock = new ManualClock();
  const limits = new QueryLimits({ ...config, maxConcurrentQueries: 2, queryBurst: 100 }, clock);
  const first = limits.admit('acme');
  const second = limits.admit('acme');
  const err = refusal(() => limits.admit('acme'));
  assert.equal(err.code, '53400');
  assert.equal(err.message, 'too many concurrent queries for tenant "acme": limit 2');
  assert.match(err.hint ?? '', /retry when one of them has finished/);
  limits.admit('other')();
  first();
  first(); // a second release of the same query changes nothing
  assert.equal(limits.running('acme'), 1);
  const third = limits.admit('acme');
  refusal(() => limits.admit('acme'));
  second();
  third();
  assert.equal(limits.running('acme'), 0);
  assert.equal(limits.refused.concurrency, 2);
});

test('a query refused for concurrency takes no token', () => {
  const clock = new ManualClock();
  const limits = new QueryLimits({ ...config, maxConcurrentQueries: 1, queryBurst: 2 }, clock);
  const running = limits.admit('acme'); // token 1 of 2
  for (let i = 0; i < 5; i++) refusal(() => limits.admit('acme'));
  running();
  limits.admit('acme')(); // token 2 of 2: still there
  assert.equal(
    refusal(() => limits.admit('acme')).message,
    'too many queries for tenant "acme": limit 2 per second',
  );
});

test('rows scanned: at the limit passes, over it is refused with both numbers and a hint', () => {
  const limits = new QueryLimits(config, new ManualClock());
  limits.checkRows('acme', 1_000_000);
  const err = refusal(() => limits.checkRows('acme', 1_000_001));
  assert.equal(err.code, '53400');
  assert.equal(
    err.message,
    'query would scan 1000001 rows, over the limit of 1000000 rows per query for tenant "acme"',
  );
  assert.match(err.hint ?? '', /narrow the time range or the devices/);
  assert.equal(limits.refused.rows, 1);
});

test('signalFor: the timeout aborts with 57014 statement timeout at exactly timeoutMs', () => {
  const clock = new ManualClock();
  const limits = new QueryLimits(config, clock);
  const client = new AbortController();
  const { signal } = limits.signalFor(client.signal, 1_000);
  clock.advance(999);
  assert.equal(signal.aborted, false);
  clock.advance(1);
  assert.equal(signal.aborted, true);
  const err = cancelError(signal);
  assert.equal(err.code, '57014');
  assert.equal(err.message, 'canceling statement due to statement timeout');
  assert.equal(limits.timeouts, 1);
  assert.equal(getEventListeners(client.signal, 'abort').length, 0, 'no listener left on the client');
  const defaulted = limits.signalFor(undefined);
  clock.advance(config.queryTimeoutMs);
  assert.equal(defaulted.signal.aborted, true, 'the configured timeout is the default');
});

test('signalFor: the client going away aborts with 57014 user request; dispose detaches', () => {
  const clock = new ManualClock();
  const limits = new QueryLimits(config, clock);
  const client = new AbortController();
  const first = limits.signalFor(client.signal, 1_000);
  client.abort();
  assert.equal(cancelError(first.signal).message, 'canceling statement due to user request');
  assert.equal(clock.pendingTimers, 0, 'the timer went with the abort');

  const connection = new AbortController();
  for (let i = 0; i < 20; i++) limits.signalFor(connection.signal, 1_000).dispose();
  assert.equal(getEventListeners(connection.signal, 'abort').length, 0);
  assert.equal(clock.pendingTimers, 0);
  const done = limits.signalFor(connection.signal, 1_000);
  done.dispose();
  connection.abort();
  clock.advance(10_000);
  assert.equal(done.signal.aborted, false, 'a disposed signal no longer follows anything');
  assert.equal(limits.signalFor(connection.signal, 1_000).signal.aborted, true, 'already gone');
  assert.equal(limits.signalFor(undefined, 0).signal.aborted, false);
  assert.equal(clock.pendingTimers, 0, 'timeout 0 means none');
});

test('cancelError maps a platform timeout to the statement-timeout message', () => {
  const timeout = AbortSignal.abort(new DOMException('timed out', 'TimeoutError'));
  assert.equal(cancelError(timeout).message, 'canceling statement due to statement timeout');
  assert.equal(cancelError(AbortSignal.abort()).message, 'canceling statement due to user request');
});
