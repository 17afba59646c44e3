import assert from 'node:assert/strict';
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clearFailPoints, setFailPoint } from '../src/metrics/failpoint.js';
import { metricValue } from './helpers/metric-read.js';
import { generateFlows } from './helpers/store-flows.js';
import { filesOnDisk, instrumentedStore, segmentPattern, walPattern } from './helpers/store-metrics-setup.js';
import { tempStoreDir } from './helpers/store-setup.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

test('fail points: WAL, seal, compaction and retention failures are counted by operation and reason', async (t) => {
  t.after(clearFailPoints);
  const dir = tempStoreDir(t);
  const { store, registry } = instrumentedStore(dir);
  await store.start();
  t.after(() => store.stop());
  const v = (name: string, tags?: Record<string, string>) => metricValue(registry, name, tags);
  const day = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY;
  const flows = (seed: number) => generateFlows({ seed, rows: 100, minutes: [day + MINUTE], devices: [1] });

  setFailPoint('store.wal.fsync', '1*return(EIO)');
  await assert.rejects(store.append('acme', flows(1)), { code: 'store_write_failed' });
  assert.equal(v('flowlens_store_errors_total', { operation: 'wal_fsync', reason: 'io' }), 1);
  assert.equal(v('flowlens_store_rejected_appends_total', { reason: 'io' }), 1);
  assert.equal(v('flowlens_store_append_seconds'), 0, 'a rejected append is not an acknowledgement');
  await store.append('acme', flows(2));
  assert.equal(v('flowlens_store_append_seconds'), 1);
  assert.equal(v('flowlens_store_appended_rows_total'), 100);

  setFailPoint('store.seal.rename', '1*return(ENOSPC)');
  await assert.rejects(store.sealNow({ all: true }), { code: 'store_disk_full' });
  assert.equal(v('flowlens_store_errors_total', { operation: 'seal', reason: 'disk_full' }), 1);
  assert.equal(filesOnDisk(dir, segmentPattern).length, 0);
  assert.equal(v('flowlens_store_sealed_segments_total', { kind: 'minute' }), 0);
  assert.equal(v('flowlens_store_open_rows', { tenant: 'acme' }), 100, 'the rows wait for the next seal');
  await store.sealNow({ all: true });
  assert.equal(filesOnDisk(dir, segmentPattern).length, 1);
  assert.equal(v('flowlens_store_sealed_segments_total', { kind: 'minute' }), 1);

  setFailPoint('store.compact.write', '1*return(EIO)');
  await store.maintain(day + DAY);
  assert.equal(v('flowlens_store_errors_total', { operation: 'compaction', reason: 'io' }), 1);
  assert.equal(v('flowlens_store_compaction_seconds', { kind: 'hour' }), 0);
  await store.maintain(day + DAY);
  assert.equal(v('flowlens_store_compaction_seconds', { kind: 'hour' }), 1);
  assert.equal(filesOnDisk(dir, /\/00\.hour-/).length, 1);

  setFailPoint('store.retention.delete', '1*return(EACCES)');
  await assert.rejects(store.applyRetention(day + 40 * DAY), { code: 'EACCES' });
  assert.equal(v('flowlens_store_errors_total', { operation: 'retention', reason: 'permission' }), 1);
  assert.equal(v('flowlens_store_retention_seconds'), 0);
});

test('WAL replay metrics: rows replayed and a torn record cut off, as the test tore the file', async (t) => {
  const dir = tempStoreDir(t);
  // A grace period of days: the replayed minute is not due, so nothing seals it under the test.
  const write = { sealOnStop: false, graceMs: 10 * DAY };
  const first = instrumentedStore(dir, { write });
  await first.store.start();
  const minute = Math.floor((Date.now() - DAY) / HOUR) * HOUR;
  const walSize = () => {
    const [file, ...rest] = filesOnDisk(dir, walPattern, 'acme');
    assert.equal(rest.length, 0);
    return file!;
  };
  const sizes: number[] = [];
  for (const [seed, rows] of [
    [1, 100],
    [2, 200],
    [3, 300],
  ] as const) {
    await first.store.append('acme', generateFlows({ seed, rows, minutes: [minute], devices: [1] }));
    sizes.push(walSize().bytes);
  }
  await first.store.stop();
  // Cut into the last record: the replay keeps the first two and cuts the rest off.
  const wal = walSize();
  assert.equal(statSync(join(dir, 'store', 'acme', wal.path)).size, sizes[2]);
  truncateSync(join(dir, 'store', 'acme', wal.path), sizes[2]! - 100);

  const { store, registry } = instrumentedStore(dir, { write });
  await store.start();
  t.after(() => store.stop());
  const v = (name: string, tags?: Record<string, string>) => metricValue(registry, name, tags);
  assert.equal(v('flowlens_store_replay_rows_total'), 300);
  assert.equal(v('flowlens_store_replay_skipped_rows_total'), 0);
  assert.equal(v('flowlens_store_replay_torn_records_total'), 1);
  assert.equal(v('flowlens_store_replay_torn_bytes_total'), sizes[2]! - 100 - sizes[1]!);
  assert.equal(v('flowlens_store_replay_progress_ratio'), 1);
  assert.equal(v('flowlens_store_open_rows', { tenant: 'acme' }), 300);
  assert.equal(v('flowlens_store_open_minutes', { tenant: 'acme' }), 1);
});
