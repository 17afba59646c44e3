import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { metricValue } from './helpers/metric-read.js';
import { expectedRollup, generateFlows } from './helpers/store-flows.js';
import {
  bytesOf,
  filesOnDisk,
  instrumentedStore,
  rowsIn,
  segmentPattern,
} from './helpers/store-metrics-setup.js';
import { tempStoreDir } from './helpers/store-setup.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const flowsPattern = /^(?!.*quarantine\/)(?!.*rollup).*\.seg$/;

test('compaction, rollup and retention metrics match the files the store replaced, wrote and deleted', async (t) => {
  const dir = tempStoreDir(t);
  const { store, registry } = instrumentedStore(dir);
  await store.start();
  t.after(() => store.stop());
  const v = (name: string, tags?: Record<string, string>) => metricValue(registry, name, tags);
  const day = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY;
  const lateMinute = day + 2 * HOUR + 7 * MINUTE;
  const batches: FlowBatch[] = [
    generateFlows({
      seed: 1,
      rows: 600,
      minutes: [day + MINUTE, day + 2 * MINUTE, lateMinute],
      devices: [1, 2],
    }),
  ];
  await store.append('acme', batches[0]!);
  await store.sealNow({ all: true });
  batches.push(generateFlows({ seed: 2, rows: 90, minutes: [lateMinute], devices: [2] }));
  await store.append('acme', batches[1]!);
  await store.sealNow({ all: true });
  assert.equal(filesOnDisk(dir, /\.late-/).length, 1);

  // At day + 3.5 h, hour 0 ended more than two hours ago (compacted into an hourly file) and hour
  // 2 did not (its minute with a late segment is merged instead); both hours are rolled up.
  const before = filesOnDisk(dir, flowsPattern);
  await store.maintain(day + 3 * HOUR + 30 * MINUTE);
  const after = filesOnDisk(dir, flowsPattern);
  const gone = before.filter((f) => !after.some((a) => a.path === f.path));
  const made = after.filter((f) => !before.some((b) => b.path === f.path));
  assert.equal(filesOnDisk(dir, /\/00\.hour-[0-9a-f]+\.seg$/).length, 1);
  assert.equal(filesOnDisk(dir, /\.merged-[0-9a-f]+\.seg$/).length, 1);
  assert.equal(v('flowlens_store_compaction_seconds', { kind: 'hour' }), 1);
  assert.equal(v('flowlens_store_compaction_seconds', { kind: 'merge' }), 1);
  assert.equal(v('flowlens_store_compaction_input_files_total'), gone.length);
  assert.equal(v('flowlens_store_compaction_input_bytes_total'), bytesOf(gone));
  assert.equal(v('flowlens_store_compaction_output_bytes_total'), bytesOf(made));
  assert.equal(
    v('flowlens_store_compaction_rows_total'),
    rowsIn(batches, day, day + HOUR) + rowsIn(batches, lateMinute, lateMinute + MINUTE),
  );
  // Hour 0 holds two minutes × devices 1 and 2, each (minute, device) in one file: 4 parts move as
  // stored. The late minute's merge copies device 1's part (main segment only) and encodes device
  // 2's (main + late rows) anew.
  assert.equal(v('flowlens_store_compaction_parts_total', { how: 'copied' }), 5);
  assert.equal(v('flowlens_store_compaction_parts_total', { how: 'encoded' }), 1);
  const hourRollups = expectedRollup(batches, HOUR, day, day + DAY).length;
  assert.equal(filesOnDisk(dir, /rollup-\d\d\.hour-/).length, 2);
  assert.equal(v('flowlens_store_rollup_seconds', { resolution: 'hour' }), 2);
  assert.equal(v('flowlens_store_rollup_input_rows_total', { resolution: 'hour' }), 690);
  assert.equal(v('flowlens_store_rollup_output_rows_total', { resolution: 'hour' }), hourRollups);
  assert.equal(v('flowlens_store_rollup_seconds', { resolution: 'day' }), 0, 'the day is not over');
  assert.equal(v('flowlens_store_maintenance_runs_total'), 1);
  assert.equal(v('flowlens_store_maintenance_seconds'), 1);

  // Two days later hour 2 is compacted too and the day is rolled up from the hourly rollups.
  await store.maintain(day + 2 * DAY);
  assert.equal(v('flowlens_store_compaction_seconds', { kind: 'hour' }), 2);
  assert.equal(v('flowlens_store_rollup_seconds', { resolution: 'hour' }), 2, 'compaction keeps walLsns');
  // Hour 2 is the merged minute alone: both its parts are in that one file, so both are copied.
  assert.equal(v('flowlens_store_compaction_parts_total', { how: 'copied' }), 7);
  assert.equal(v('flowlens_store_compaction_parts_total', { how: 'encoded' }), 1);
  assert.equal(filesOnDisk(dir, /rollup\.day-/).length, 1);
  assert.equal(v('flowlens_store_rollup_seconds', { resolution: 'day' }), 1);
  assert.equal(v('flowlens_store_rollup_input_rows_total', { resolution: 'day' }), hourRollups);
  assert.equal(
    v('flowlens_store_rollup_output_rows_total', { resolution: 'day' }),
    expectedRollup(batches, DAY, day, day + DAY).length,
  );
  assert.equal(v('flowlens_store_maintenance_runs_total'), 2);

  const all = filesOnDisk(dir, segmentPattern, 'acme');
  assert.equal(v('flowlens_store_segment_files', { tenant: 'acme' }), all.length);
  assert.equal(v('flowlens_store_segment_bytes', { tenant: 'acme' }), bytesOf(all));
  const buckets = await store.applyRetention(day + 40 * DAY);
  assert.ok(buckets > 0);
  assert.equal(filesOnDisk(dir, segmentPattern).length, 0);
  assert.equal(v('flowlens_store_retention_deleted_buckets_total'), buckets);
  assert.equal(v('flowlens_store_retention_deleted_files_total'), all.length);
  assert.equal(v('flowlens_store_retention_deleted_bytes_total'), bytesOf(all));
  assert.equal(v('flowlens_store_retention_seconds'), 1);
  assert.equal(v('flowlens_store_segment_files', { tenant: 'acme' }), 0);
  assert.equal(v('flowlens_store_segment_bytes', { tenant: 'acme' }), 0);
});
