import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSql, tinyJob } from './run-testing.js';

// out_bytes 0, 5, 0, 7; in_pkts 2, 0, 3, 4.
const job = tinyJob({ out_bytes: [0, 5, 0, 7], in_pkts: [2, 0, 3, 4], src_as: [1, 2, 3, 4] });
const sorted = (rows: unknown[][]) => rows.map((r) => r.join('|')).sort();

test('x IS NULL over nullif() is true where nullif gives NULL', () => {
  // PostgreSQL: nullif(out_bytes, 0) is NULL on the two rows with out_bytes = 0.
  assert.deepEqual(runSql('SELECT count(*) FROM all_devices WHERE nullif(out_bytes, 0) IS NULL', job), [[2]]);
  assert.deepEqual(runSql('SELECT count(*) FROM all_devices WHERE nullif(out_bytes, 0) IS NOT NULL', job), [
    [2],
  ]);
  // As a value, the test is never NULL itself: one row per src_as, true where out_bytes = 0.
  assert.deepEqual(sorted(runSql('SELECT src_as, nullif(out_bytes, 0) IS NULL FROM all_devices', job)), [
    '1|true',
    '2|false',
    '3|true',
    '4|false',
  ]);
});

test('a NULL from nullif() guards a division (the usual "per packet" idiom)', () => {
  // in_pkts = 0 on the row with src_as 2: PostgreSQL gives NULL there instead of dividing by zero.
  assert.deepEqual(
    sorted(runSql('SELECT src_as, coalesce(out_bytes / nullif(in_pkts, 0), -1) FROM all_devices', job)),
    ['1|0', '2|-1', '3|0', '4|1'],
  );
  assert.deepEqual(
    runSql('SELECT count(*) FROM all_devices WHERE out_bytes / nullif(in_pkts, 0) >= 0', job),
    [[3]],
  );
});

test('CASE over a possibly-NULL condition, and greatest/least ignoring NULLs', () => {
  // nullif(out_bytes, 0) > 1 is NULL (not TRUE) on the rows with out_bytes = 0: the ELSE branch.
  assert.deepEqual(
    sorted(
      runSql('SELECT src_as, CASE WHEN nullif(out_bytes, 0) > 1 THEN 1 ELSE 0 END FROM all_devices', job),
    ),
    ['1|0', '2|1', '3|0', '4|1'],
  );
  // greatest(NULL, x) is x; greatest of two NULLs is NULL (coalesced to -1).
  assert.deepEqual(
    sorted(
      runSql(
        'SELECT src_as, coalesce(greatest(nullif(out_bytes, 0), nullif(in_pkts, 0)), -1) FROM all_devices',
        job,
      ),
    ),
    ['1|2', '2|5', '3|3', '4|7'],
  );
});

test('a condition that is never NULL but has NULL parts inside is rewritten once', () => {
  // coalesce(nullif(out_bytes, 5), in_pkts): 0, 0, 0, 7 — NOT BETWEEN 1 AND 6 holds for all four.
  assert.deepEqual(
    runSql(
      'SELECT count(*) FROM all_devices WHERE coalesce(nullif(out_bytes, 5), in_pkts) NOT BETWEEN 1 AND 6',
      job,
    ),
    [[4]],
  );
  // nullif(out_bytes, 0) is NULL, 5, NULL, 7; the CASE is NULL, 5, NULL, NULL: rows 1 and 3 (both
  // NULL) and row 2 (5 = 5) are not distinct, row 4 (7 against NULL) is.
  assert.deepEqual(
    runSql(
      'SELECT count(*) FROM all_devices WHERE nullif(out_bytes, 0) IS NOT DISTINCT FROM CASE WHEN src_as = 2 THEN 5 END',
      job,
    ),
    [[3]],
  );
});

test('concat() skips arguments that are NULL at run time', () => {
  // PostgreSQL's concat() ignores NULLs (|| does not): nullif(out_bytes, 0) adds nothing on rows 1 and 3.
  assert.deepEqual(sorted(runSql("SELECT src_as, concat('x', nullif(out_bytes, 0)) FROM all_devices", job)), [
    '1|x',
    '2|x5',
    '3|x',
    '4|x7',
  ]);
  // Per group: max() over no rows (FILTER) is NULL, and concat() still gives the other parts.
  assert.deepEqual(
    runSql("SELECT concat('n=', max(in_pkts) FILTER (WHERE in_pkts > 100)) FROM all_devices", job),
    [['n=']],
  );
  assert.deepEqual(runSql("SELECT 'n=' || max(in_pkts) FILTER (WHERE in_pkts > 100) FROM all_devices", job), [
    [null],
  ]);
});

test('IS DISTINCT FROM over a possibly-NULL operand is a plain value (never NULL)', () => {
  // nullif(out_bytes, 0) is NULL, 5, NULL, 7: distinct from 5 everywhere but row 2, NULL included.
  assert.deepEqual(
    sorted(
      runSql('SELECT src_as, nullif(out_bytes, 0) IS DISTINCT FROM 5 FROM all_devices ORDER BY 2, 1', job),
    ),
    ['1|true', '2|false', '3|true', '4|true'],
  );
});
