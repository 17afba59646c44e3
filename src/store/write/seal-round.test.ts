import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnDef } from '../../flow/schema.js';
import type { SegmentHeader, SegmentPartInput } from '../segment/types.js';
import { makeBatch, StandInSegments, signal, tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const A = Date.UTC(2026, 0, 2, 3, 4);
const MIN = 60_000;
const GRACE = 30_000;

test('a minute that becomes due while a seal round runs joins that round', async () => {
  const dataDir = tempDataDir();
  const segments = new StandInSegments(dataDir);
  const { promise: gate, fire: release } = signal();
  const { promise: firstWrite, fire: firstWriteStarted } = signal();
  const written: number[] = [];
  const writeSegment = async (
    path: string,
    header: SegmentHeader,
    schema: readonly ColumnDef[],
    parts: readonly SegmentPartInput[],
  ) => {
    written.push(parts[0]!.bucket);
    if (written.length === 1) {
      firstWriteStarted();
      await gate;
    }
    segments.writeSegment(path, header, schema, parts);
  };
  const clock = { now: A };
  const store = createWritePath(
    { writeSegment, coveredLsn: segments.coveredLsn, now: () => clock.now, log: () => {} },
    // The timer never fires during the test: only sealNow and appends start or wake rounds.
    { dataDir, graceMs: GRACE, sealCheckMs: 3_600_000 },
  );
  await store.start();
  await store.append('acme', makeBatch([{ minute: A, device: 1, bytes: 1 }]));
  await store.append('acme', makeBatch([{ minute: A + MIN, device: 1, bytes: 2 }]));
  // Minute A is due, A + 1 min is not: the round takes A alone and blocks in its write.
  clock.now = A + MIN + GRACE;
  const round = store.sealNow();
  await firstWrite;
  // Now A + 1 min is due too: it joins the running round (when a seal ends, or woken by appends).
  clock.now = A + 2 * MIN + GRACE;
  await store.append('acme', makeBatch([{ minute: A + 2 * MIN, device: 1, bytes: 3 }]));
  release();
  const report = await round;
  assert.deepEqual(report.errors, []);
  assert.deepEqual(
    report.segments.map((s) => s.minute),
    [A, A + MIN],
    'both minutes sealed in the one round, in minute order',
  );
  assert.deepEqual(written, [A, A + MIN]);
  await store.stop();
  assert.deepEqual(segments.storedBytes('acme'), [1, 2, 3]);
});
