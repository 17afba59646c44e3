import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSegment, writeSegment } from '../segment/index.js';
import type { SealedSegment } from './sealer.js';
import { makeBatch, type TestRow, tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const M = Date.UTC(2026, 0, 2, 3, 4);
const MIN = 60_000;

test('two seal workers: minutes sealed in parallel, each minute main segment first, every row once', async () => {
  const dataDir = tempDataDir();
  const sealed: SealedSegment[] = [];
  const store = createWritePath(
    { writeSegment, now: () => M + 10 * MIN, log: () => {}, onSegment: (s) => sealed.push(s) },
    // 40 rows fill a buffer: each minute gets a main segment and late segments after it.
    { dataDir, sealInWorker: true, sealWorkers: 2, maxOpenRows: 40, sealCheckMs: 3_600_000 },
  );
  await store.start();
  const sent: TestRow[] = [];
  let bytes = 1;
  for (let round = 0; round < 3; round++) {
    const rows: TestRow[] = [];
    for (let minute = 0; minute < 4; minute++)
      for (let i = 0; i < 30; i++)
        rows.push({ minute: M + minute * MIN, device: 1 + (i % 3), bytes: bytes++ });
    sent.push(...rows);
    await store.append('acme', makeBatch(rows));
  }
  // Full buffers were sealed as they filled (rounds started by the appends, which may still run:
  // this round follows them and seals whatever is left).
  const report = await store.sealNow({ all: true });
  assert.equal(store.tenantTotals('acme').openRows, 0, 'nothing left in memory');
  await store.stop();
  assert.deepEqual(report.errors, []);
  const minutes = report.segments.map((s) => s.minute);
  assert.deepEqual(
    minutes,
    [...minutes].sort((a, b) => a - b),
    'reported by minute',
  );
  assert.ok(report.segments.length <= 4, 'at most one segment per minute in the last round');
  const stored: number[] = [];
  for (let minute = 0; minute < 4; minute++) {
    const segments = sealed.filter((s) => s.minute === M + minute * MIN);
    assert.ok(segments.length >= 2, 'a main and at least one late segment');
    assert.deepEqual(
      segments.map((s) => s.late),
      segments.map((_, i) => i > 0),
      'the main segment first',
    );
    const lsns = segments.map((s) => s.walLsn);
    assert.deepEqual(
      lsns,
      [...lsns].sort((a, b) => a - b),
      'walLsn grows within the minute',
    );
    for (const segment of segments) {
      const reader = openSegment(segment.path);
      reader.meta.parts.forEach((part, p) => {
        const read = reader.readPart(p, ['in_bytes', 'i_device_id', 'i_start_time']);
        for (let r = 0; r < read.rows; r++) {
          assert.equal(read.columns.i_device_id![r], part.deviceId);
          assert.equal(read.columns.i_start_time![r], M + minute * MIN);
          stored.push(read.columns.in_bytes![r]!);
        }
      });
      reader.close();
    }
  }
  assert.deepEqual(
    stored.sort((a, b) => a - b),
    sent.map((r) => r.bytes).sort((a, b) => a - b),
  );
});
