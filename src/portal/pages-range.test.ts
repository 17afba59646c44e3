import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketSeconds, rangeFromSearch, rangeToSearch, resolveWindow } from './pages-range.js';

test('a range round-trips through the query string; bad or missing values fall back', () => {
  const abs = { kind: 'absolute', from: Date.UTC(2026, 0, 5, 10), to: Date.UTC(2026, 0, 5, 11) } as const;
  const search = rangeToSearch(abs, new URLSearchParams('tab=trace&range=5m'));
  assert.equal(
    search.toString(),
    'tab=trace&from=2026-01-05T10%3A00%3A00.000Z&to=2026-01-05T11%3A00%3A00.000Z',
  );
  assert.deepEqual(rangeFromSearch(search), abs);
  assert.deepEqual(rangeFromSearch(rangeToSearch({ kind: 'relative', preset: '7d' }, search)), {
    kind: 'relative',
    preset: '7d',
  });
  assert.deepEqual(rangeFromSearch(new URLSearchParams('range=2y'), '15m'), {
    kind: 'relative',
    preset: '15m',
  });
  // from after to is not a range.
  assert.deepEqual(rangeFromSearch(new URLSearchParams('from=2026-01-05T11:00Z&to=2026-01-05T10:00Z')), {
    kind: 'relative',
    preset: '1h',
  });
});

test('resolveWindow ends a relative range now; bucketSeconds keeps at most maxPoints buckets', () => {
  assert.deepEqual(resolveWindow({ kind: 'relative', preset: '1h' }, 7_200_000), {
    fromMs: 3_600_000,
    toMs: 7_200_000,
    live: true,
  });
  const hour = { fromMs: 0, toMs: 3_600_000, live: true };
  // 3600 s / 300 points = 12 s: the next nice width is 15 s.
  assert.equal(bucketSeconds(hour), 15);
  assert.equal(bucketSeconds(hour, 60), 60);
  assert.equal(bucketSeconds({ fromMs: 0, toMs: 300_000, live: true }), 1);
  // 30 days / 300 = 8640 s → 3 h.
  assert.equal(bucketSeconds({ fromMs: 0, toMs: 30 * 86_400_000, live: true }), 10_800);
  assert.equal(bucketSeconds({ fromMs: 0, toMs: 1000 * 86_400_000, live: true }, 1, 10), 100 * 86_400);
});
