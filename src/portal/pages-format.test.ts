import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, formatBytes, formatPct, formatSampling } from './pages-format.js';

test('ago, percentages, sampling rates and byte sizes read as people write them', () => {
  const now = 10_000_000;
  assert.deepEqual(
    [0, 12_400, 89_000, 91_000, 3_600_000, 172_000_000, 400_000_000].map((d) => ago(now - d, now)),
    ['0 s ago', '12 s ago', '89 s ago', '2 min ago', '60 min ago', '48 h ago', '5 d ago'],
  );
  assert.equal(ago(now + 5000, now), '0 s ago', 'a clock slightly ahead is now');
  assert.deepEqual([formatPct(99.54), formatPct(100), formatPct(0)], ['99.5 %', '100 %', '0 %']);
  assert.deepEqual(
    [formatSampling(1), formatSampling(0), formatSampling(512)],
    ['unsampled', 'unsampled', '1:512'],
  );
  assert.deepEqual(
    [formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 2 ** 30), formatBytes(-2048)],
    ['0 B', '1023 B', '1.5 KiB', '5 GiB', '-2 KiB'],
  );
});
