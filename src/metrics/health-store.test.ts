import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreStats } from '../store/store.js';
import { newWriteStats } from '../store/write/stats.js';
import { storeHealth } from './health-store.js';

/** Store stats a test moves by hand, in the shape store.stats() returns. */
function fakeStore() {
  const write = newWriteStats();
  const stats: StoreStats = {
    tenants: 1,
    files: 3,
    bytes: 4096,
    rows: 100,
    quarantined: 0,
    staleReads: 0,
    maintenance: {
      runs: 0,
      minutesMerged: 0,
      hoursCompacted: 0,
      filesReplaced: 0,
      skippedTooLarge: 0,
      rollupHours: 0,
      rollupDays: 0,
      retentionBuckets: 0,
      errors: 0,
    },
    write,
  };
  return { write, stats, source: { stats: () => stats } };
}

test('GOOD with the queue depths and rates of the last minute', () => {
  const { write, source } = fakeStore();
  const health = storeHealth(source);
  assert.equal(health.check(0).status, 'GOOD');
  write.appendedRows = 600;
  write.openRows = 250;
  write.walBytes = 12_345;
  write.walFiles = 2;
  write.wal.groups = 10;
  write.wal.fsyncs = 4;
  write.wal.fsyncMs = 10;
  const c = health.check(30_000);
  assert.equal(c.status, 'GOOD');
  assert.deepEqual(c.reasons, []);
  // 600 rows over the 30 s between the two samples.
  assert.equal(c.values.rows_per_s, 20);
  assert.equal(c.values.open_minute_rows, 250);
  assert.equal(c.values.wal_bytes, 12_345);
  assert.equal(c.values.fsync_avg_ms, 2.5);
  assert.equal(c.values.segments, 3);
});

test('BAD while the last write failed; WARN once a later one succeeded; GOOD a minute on', () => {
  const { write, source } = fakeStore();
  const health = storeHealth(source);
  write.wal.groups = 5;
  health.check(0);
  health.check(5_000);
  write.diskFull = 2;
  let c = health.check(10_000);
  assert.equal(c.status, 'BAD');
  assert.deepEqual(c.reasons, [
    'the last write failed (2 disk full in the last minute) and none has succeeded since',
  ]);
  // Still failing, and nothing written for over a minute: the failure stays the last word.
  c = health.check(100_000);
  assert.equal(c.status, 'BAD');
  assert.match(c.reasons[0]!, /the last write failed \(over a minute ago\)/);
  write.writeErrors = 1;
  write.diskFull = 3;
  health.check(105_000);
  write.wal.groups = 6;
  c = health.check(110_000);
  assert.equal(c.status, 'WARN');
  assert.deepEqual(c.reasons, [
    'writes failed (1 disk full, 1 I/O errors in the last minute), later ones succeeded',
  ]);
  c = health.check(170_000);
  assert.equal(c.status, 'GOOD', 'the failures left the window');
});

test('a failure and a success first seen at the same sample: WARN, not BAD', () => {
  const { write, source } = fakeStore();
  const health = storeHealth(source);
  health.check(0);
  write.wal.groups = 1;
  write.writeErrors = 1;
  const c = health.check(5_000);
  assert.equal(c.status, 'WARN');
  assert.match(c.reasons[0]!, /some succeeded around the same time/);
  write.writeErrors = 2;
  assert.equal(health.check(10_000).status, 'BAD', 'the next failure, with no success since, is BAD');
});

test('WARN: seal backlog, seal and maintenance errors, quarantines, WAL replay', () => {
  const { write, stats, source } = fakeStore();
  const health = storeHealth(source);
  health.check(0);
  write.backpressureWaits = 4;
  write.sealErrors = 1;
  stats.maintenance.errors = 2;
  (stats as { quarantined: number }).quarantined = 1;
  write.replay = {
    done: false,
    percent: 42.4,
    files: 1,
    filesTotal: 3,
    records: 10,
    bytes: 424,
    bytesTotal: 1000,
    rowsReplayed: 10,
    rowsSkipped: 0,
    tornRecords: 0,
    tornBytes: 0,
    elapsedMs: 5,
  };
  const c = health.check(5_000);
  assert.equal(c.status, 'WARN');
  assert.deepEqual(c.reasons, [
    'appends waited for sealing 4 times in the last minute: the seal backlog is over its limit',
    '1 seals failed in the last minute',
    '2 compaction/rollup/retention errors in the last minute',
    '1 corrupt segments quarantined in the last minute',
    'replaying the WAL (42%)',
  ]);
});
