import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { WAL_FILE_MAGIC } from '../src/store/wal/record.js';
import { metricValue, sumOf } from './helpers/metric-read.js';
import { generateFlows } from './helpers/store-flows.js';
import {
  bytesOf,
  filesOnDisk,
  instrumentedStore,
  minutesOf,
  segmentPattern,
  walPattern,
} from './helpers/store-metrics-setup.js';
import { tempStoreDir } from './helpers/store-setup.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

test('write path metrics: appends, WAL, group commits, open minutes, seals and late segments match what the test did and what is on disk', async (t) => {
  const dir = tempStoreDir(t);
  const { store, registry } = instrumentedStore(dir);
  await store.start();
  t.after(() => store.stop());
  const v = (name: string, tags?: Record<string, string>) => metricValue(registry, name, tags);
  const m0 = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY + 10 * MINUTE;
  const acme: FlowBatch[] = [
    generateFlows({ seed: 1, rows: 300, minutes: [m0, m0 + MINUTE], devices: [1, 2] }),
    generateFlows({ seed: 2, rows: 200, minutes: [m0 + MINUTE, m0 + 2 * MINUTE], devices: [1, 3] }),
  ];
  const globex: FlowBatch[] = [generateFlows({ seed: 3, rows: 100, minutes: [m0], devices: [7] })];
  // One at a time: each append is its own group commit, so its own fdatasync.
  for (const batch of acme) await store.append('acme', batch);
  await store.append('globex', globex[0]!);

  assert.equal(v('flowlens_store_appended_rows_total'), 600);
  assert.equal(v('flowlens_store_wal_records_total'), 3);
  assert.equal(v('flowlens_store_wal_rows_total'), 600);
  assert.equal(v('flowlens_store_append_seconds'), 3, 'one acknowledged append timed per append');
  assert.equal(v('flowlens_store_wal_fsync_seconds'), 3);
  assert.equal(v('flowlens_store_wal_group_appends'), 3);
  assert.equal(sumOf(registry, 'flowlens_store_wal_group_appends'), 3);
  const walFiles = filesOnDisk(dir, walPattern);
  assert.equal(walFiles.length, 2, 'one WAL file per tenant');
  // Every byte of a WAL file but its magic header is a record this store wrote.
  const written = bytesOf(walFiles) - walFiles.length * WAL_FILE_MAGIC.length;
  assert.equal(v('flowlens_store_wal_written_bytes_total'), written);
  assert.equal(sumOf(registry, 'flowlens_store_wal_group_bytes'), written);
  assert.equal(v('flowlens_store_wal_created_files_total'), 2);
  for (const tenant of ['acme', 'globex']) {
    const files = filesOnDisk(dir, walPattern, tenant);
    assert.equal(v('flowlens_store_wal_files', { tenant }), files.length);
    assert.equal(v('flowlens_store_wal_disk_bytes', { tenant }), bytesOf(files));
  }
  assert.equal(v('flowlens_store_open_rows', { tenant: 'acme' }), 500);
  assert.equal(v('flowlens_store_open_rows', { tenant: 'globex' }), 100);
  assert.equal(v('flowlens_store_open_minutes', { tenant: 'acme' }), minutesOf(acme));
  assert.equal(v('flowlens_store_open_minutes', { tenant: 'globex' }), 1);
  assert.ok(v('flowlens_store_open_bytes', { tenant: 'acme' }) > 0);

  // Appends in flight together share group commits: every append is in exactly one group, and
  // under fsync "always" every group has exactly one fdatasync.
  const more = Array.from({ length: 6 }, (_, i) =>
    generateFlows({ seed: 10 + i, rows: 50, minutes: [m0 + 2 * MINUTE], devices: [1] }),
  );
  await Promise.all(more.map((batch) => store.append('acme', batch)));
  acme.push(...more);
  assert.equal(sumOf(registry, 'flowlens_store_wal_group_appends'), 3 + 6);
  const groups = v('flowlens_store_wal_group_appends');
  assert.ok(groups >= 4 && groups <= 9, `${groups} groups`);
  assert.equal(v('flowlens_store_wal_fsync_seconds'), groups);
  assert.equal(v('flowlens_store_append_seconds'), 9);
  assert.equal(v('flowlens_store_open_rows', { tenant: 'acme' }), 800);

  await store.sealNow({ all: true });
  const segments = filesOnDisk(dir, segmentPattern);
  assert.equal(segments.length, minutesOf(acme) + minutesOf(globex), 'one segment per tenant minute');
  assert.equal(v('flowlens_store_sealed_segments_total', { kind: 'minute' }), segments.length);
  assert.equal(v('flowlens_store_sealed_segments_total', { kind: 'late' }), 0);
  assert.equal(v('flowlens_store_seal_seconds', { kind: 'minute' }), segments.length);
  assert.equal(v('flowlens_store_sealed_rows_total'), 900);
  assert.equal(v('flowlens_store_sealed_bytes_total'), bytesOf(segments));
  for (const [tenant, rows] of [
    ['acme', 800],
    ['globex', 100],
  ] as const) {
    const files = filesOnDisk(dir, segmentPattern, tenant);
    assert.equal(v('flowlens_store_segment_files', { tenant }), files.length);
    assert.equal(v('flowlens_store_segment_bytes', { tenant }), bytesOf(files));
    assert.equal(v('flowlens_store_segment_rows', { tenant }), rows);
    assert.equal(v('flowlens_store_open_rows', { tenant }), 0);
    assert.equal(v('flowlens_store_open_minutes', { tenant }), 0);
    const wal = filesOnDisk(dir, walPattern, tenant);
    assert.equal(v('flowlens_store_wal_disk_bytes', { tenant }), bytesOf(wal));
  }
  assert.equal(v('flowlens_store_catalog_tenants'), 2);

  // Rows for a minute already sealed become a late segment.
  await store.append('globex', generateFlows({ seed: 20, rows: 40, minutes: [m0], devices: [7] }));
  await store.sealNow({ all: true });
  const late = filesOnDisk(dir, /\.late-[0-9a-f]+\.seg$/);
  assert.equal(late.length, 1);
  assert.equal(v('flowlens_store_sealed_segments_total', { kind: 'late' }), 1);
  assert.equal(v('flowlens_store_seal_seconds', { kind: 'late' }), 1);
  assert.equal(v('flowlens_store_sealed_rows_total'), 940);
  assert.equal(v('flowlens_store_sealed_bytes_total'), bytesOf(filesOnDisk(dir, segmentPattern)));
  assert.equal(v('flowlens_store_segment_rows', { tenant: 'globex' }), 140);
});

test('every store metric has help text and a flowlens_store_ name', async (t) => {
  const dir = tempStoreDir(t);
  const { store, registry } = instrumentedStore(dir);
  await store.start();
  t.after(() => store.stop());
  await store.append('acme', generateFlows({ seed: 1, rows: 10, minutes: [Date.now() - DAY], devices: [1] }));
  const families = registry.families().filter((f) => f.name.startsWith('flowlens_store_'));
  assert.ok(families.length >= 40, `${families.length} families`);
  for (const family of families) assert.notEqual(family.help, '', `${family.name} has help text`);
});
