import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../test/helpers/peers.js';
import { coarseClock, monotonicClock, startCoarseClock } from './clock.js';

test('the coarse clock follows the monotonic clock, refreshed by its timer and by every precise read', async () => {
  startCoarseClock();
  const before = monotonicClock.now();
  assert.equal(coarseClock.now(), before, 'a precise read refreshes the coarse clock at once');
  // Without precise reads, the refresher's timer moves it on.
  await waitFor(() => coarseClock.now() > before, 'the coarse clock to move');
  const coarse = coarseClock.now();
  const after = performance.timeOrigin + performance.now();
  assert.ok(coarse <= after, 'never ahead of real time');
});
