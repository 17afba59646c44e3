import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeBatch, StandInSegments, type TestRow, tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const M = Date.UTC(2026, 0, 2, 3, 4);

const rows = (minute: number, n: number, from: number): TestRow[] =>
  Array.from({ length: n }, (_, i) => ({ minute, device: 1 + (i % 2), bytes: from + i }));

test('backpressure: past maxSealBacklogRows rows due for sealing, an append first waits for a seal round', async () => {
  const dataDir = tempDataDir();
  const segments = new StandInSegments(dataDir);
  const clock = { now: M + 10_000 };
  const store = createWritePath(
    {
      writeSegment: segments.writeSegment,
      coveredLsn: segments.coveredLsn,
      now: () => clock.now,
      log: () => {},
    },
    // A seal timer that never fires on its own during the test: only backpressure seals.
    { dataDir, maxSealBacklogRows: 100, sealCheckMs: 3_600_000 },
  );
  await store.start();
  await store.append('acme', makeBatch(rows(M, 150, 1)));
  assert.equal(store.stats().backpressureWaits, 0, 'the minute is not due yet');
  clock.now = M + 60_000 + 90_000; // the minute's grace period is over: 150 rows due, over the limit
  await store.append('acme', makeBatch(rows(M + 120_000, 10, 1000)));
  const stats = store.stats();
  assert.equal(stats.backpressureWaits, 1);
  assert.equal(stats.segments, 1, 'the due minute was sealed before the append went on');
  assert.equal(stats.openRows, 10);
  await store.stop();
  assert.equal(segments.storedBytes().length, 160);
});

test('backpressure: an append resumes once the backlog is under the limit, while sealing goes on', async () => {
  const dataDir = tempDataDir();
  const segments = new StandInSegments(dataDir);
  const clock = { now: M + 10_000 };
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const store = createWritePath(
    {
      // The second minute's seal hangs until the test opens the gate.
      writeSegment: async (path, header, schema, parts) => {
        if (parts[0]!.bucket === M + 60_000) await gate;
        segments.writeSegment(path, header, schema, parts);
      },
      coveredLsn: segments.coveredLsn,
      now: () => clock.now,
      log: () => {},
    },
    { dataDir, maxSealBacklogRows: 200, sealCheckMs: 3_600_000 },
  );
  await store.start();
  await store.append('acme', makeBatch([...rows(M, 150, 1), ...rows(M + 60_000, 150, 1000)]));
  clock.now = M + 2 * 60_000 + 90_000; // both minutes due: 300 rows, over the limit
  await store.append('acme', makeBatch(rows(M + 180_000, 10, 5000)));
  const stats = store.stats();
  assert.equal(stats.backpressureWaits, 1);
  assert.equal(
    stats.segments,
    1,
    'one minute sealed (150 rows left, under the limit); the other still sealing',
  );
  openGate();
  await store.stop();
  assert.equal(segments.storedBytes().length, 310);
});
