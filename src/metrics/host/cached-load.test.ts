import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedLoad } from './cached-load.js';

test('one load serves every read within maxAgeMs; a failure is cached for the round too', () => {
  let now = 1000;
  let loads = 0;
  let fail = false;
  const read = cachedLoad(
    () => {
      loads++;
      if (fail) throw new Error('gone');
      return loads;
    },
    100,
    () => now,
  );
  assert.equal(read(), 1);
  now += 99;
  assert.equal(read(), 1); // same round
  assert.equal(loads, 1);
  now += 1;
  assert.equal(read(), 2); // 100 ms after the load: read again
  fail = true;
  now += 100;
  assert.throws(read, /gone/);
  assert.throws(read, /gone/);
  assert.equal(loads, 3); // the failure was not retried within the round
  fail = false;
  now += 100;
  assert.equal(read(), 4);
  now -= 500; // a clock that went back reloads rather than serving stale text forever
  assert.equal(read(), 5);
});
