import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOW, planOf } from './testing.js';

const minute = 60_000;
const t = (h: number, m: number, s = 0) => Date.UTC(2026, 10, 21, h, m, s);
const rangeOf = (condition: string) => {
  const p = planOf(`SELECT count(*) FROM all_devices WHERE ${condition}`);
  return { from: p.from, to: p.to, ranges: p.ranges };
};

test('i_start_time bounds become minute buckets [from, to)', () => {
  // Values are minute starts: >= 10:02:30 first matches 10:03; > 10:02:00 first matches 10:03.
  assert.deepEqual(rangeOf("i_start_time >= '2026-11-21 10:02:30'"), {
    from: t(10, 3),
    to: Infinity,
    ranges: [],
  });
  assert.deepEqual(rangeOf("i_start_time > '2026-11-21 10:02'"), {
    from: t(10, 3),
    to: Infinity,
    ranges: [],
  });
  // < 10:05:00 last matches 10:04 (to = 10:05); <= 10:05:00 includes 10:05 (to = 10:06).
  assert.deepEqual(rangeOf("i_start_time < '2026-11-21 10:05'"), {
    from: -Infinity,
    to: t(10, 5),
    ranges: [],
  });
  assert.deepEqual(rangeOf("i_start_time <= '2026-11-21 10:05'"), {
    from: -Infinity,
    to: t(10, 6),
    ranges: [],
  });
  assert.deepEqual(rangeOf("i_start_time <= '2026-11-21 10:05:30'"), {
    from: -Infinity,
    to: t(10, 6),
    ranges: [],
  });
  assert.deepEqual(rangeOf("i_start_time = '2026-11-21 10:05'"), {
    from: t(10, 5),
    to: t(10, 6),
    ranges: [],
  });
  assert.deepEqual(rangeOf("i_start_time BETWEEN '2026-11-21 10:00' AND '2026-11-21 11:00'"), {
    from: t(10, 0),
    to: t(11, 1),
    ranges: [],
  });
  // Both sides narrow; the constant may be on the left.
  assert.deepEqual(rangeOf("now() - interval '1 hour' <= i_start_time AND i_start_time < now()"), {
    from: Math.ceil((NOW - 3_600_000) / minute) * minute,
    to: Math.ceil(NOW / minute) * minute,
    ranges: [],
  });
  // Contradictions read nothing; OR does not narrow.
  const empty = rangeOf("i_start_time > '2026-11-21 11:00' AND i_start_time < '2026-11-21 10:00'");
  assert.equal(empty.to <= empty.from, true);
  assert.deepEqual(rangeOf("i_start_time > '2026-11-21 11:00' OR src_as = 1"), {
    from: -Infinity,
    to: Infinity,
    ranges: [],
  });
  // A WHERE that folds to FALSE reads nothing.
  const none = rangeOf('src_as = NULL');
  assert.equal(none.from, none.to);
});

test('numeric ranges of other columns', () => {
  assert.deepEqual(rangeOf('src_as = 15169').ranges, [{ column: 'src_as', min: 15169, max: 15169 }]);
  assert.deepEqual(rangeOf('l4_dst_port BETWEEN 1 AND 1023').ranges, [
    { column: 'l4_dst_port', min: 1, max: 1023 },
  ]);
  assert.deepEqual(rangeOf('protocol IN (6, 17)').ranges, [{ column: 'protocol', min: 6, max: 17 }]);
  // Integers: > 5 is ≥ 6, < 100 is ≤ 99; two bounds on one column intersect.
  assert.deepEqual(rangeOf('in_bytes > 5 AND in_bytes < 100 AND in_bytes <= 50').ranges, [
    { column: 'in_bytes', min: 6, max: 50 },
  ]);
  assert.deepEqual(rangeOf('1000 < in_bytes').ranges, [{ column: 'in_bytes', min: 1001 }]);
  // Not obvious: no range.
  assert.deepEqual(rangeOf('src_as + 1 = 5 OR protocol = 6').ranges, []);
});
