import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { lateSegmentPath, minuteSegmentPath } from '../write/layout.js';
import {
  bucketStart,
  HOUR_MS,
  hourSegmentPath,
  MINUTE_MS,
  mergedSegmentPath,
  parseDayDir,
  parseSegmentName,
  rollupSegmentPath,
} from './layout.js';

const minute = Date.UTC(2026, 10, 21, 13, 47);
const day = Date.UTC(2026, 10, 21);

test('every segment name of the layout parses back to its table, kind and time span', () => {
  const cases: [string, string, string, number, number][] = [
    [minuteSegmentPath('/d', 't', minute), 'flows', 'main', minute, minute + MINUTE_MS],
    [lateSegmentPath('/d', 't', minute, 42), 'flows', 'late', minute, minute + MINUTE_MS],
    [mergedSegmentPath('/d', 't', minute, 42), 'flows', 'merged', minute, minute + MINUTE_MS],
    [
      hourSegmentPath('/d', 't', minute - (minute % HOUR_MS), 9),
      'flows',
      'hour',
      day + 13 * HOUR_MS,
      day + 14 * HOUR_MS,
    ],
    [
      rollupSegmentPath('/d', 't', 'hour', day + 13 * HOUR_MS, 9),
      'rollup',
      'hour',
      day + 13 * HOUR_MS,
      day + 14 * HOUR_MS,
    ],
    [rollupSegmentPath('/d', 't', 'day', day, 9), 'rollup', 'day', day, day + 24 * HOUR_MS],
  ];
  for (const [path, table, kind, start, end] of cases) {
    assert.ok(path.startsWith('/d/store/t/2026/11/21/'), path);
    const name = parseSegmentName(day, basename(path));
    assert.deepEqual(
      name && { table: name.table, kind: name.kind, start: name.start, end: name.end },
      { table, kind, start, end },
      path,
    );
  }
  assert.equal(parseSegmentName(day, '1347.seg.tmp'), undefined);
  assert.equal(parseSegmentName(day, 'notes.txt'), undefined);
  assert.equal(parseDayDir('2026', '11', '21'), day);
  assert.equal(parseDayDir('2026', '1', '21'), undefined);
});

test('bucketStart floors to the minute, hour and day', () => {
  const t = minute + 12_345;
  assert.equal(bucketStart(t, 'minute'), minute);
  assert.equal(bucketStart(t, 'hour'), day + 13 * HOUR_MS);
  assert.equal(bucketStart(t, 'day'), day);
});
