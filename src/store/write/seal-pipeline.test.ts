import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnDef } from '../../flow/schema.js';
import type { SegmentHeader, SegmentPartInput } from '../segment/types.js';
import type { SealedSegment } from './sealer.js';
import { makeBatch, StandInSegments, signal, type TestRow, tempDataDir, walk } from './test-support.js';
import { createWritePath } from './write-path.js';

const A = Date.UTC(2026, 0, 2, 3, 4);

/**
 * A minute bigger than maxOpenRows is several buffers. Their segments may be written at the same
 * time (two seals in flight) but must be renamed into place in order: a segment covers the WAL
 * LSNs up to its walLsn for its minute, so a later buffer's segment published before an earlier
 * buffer's would make a restart skip the earlier rows.
 */
function setup(failFirst: boolean) {
  const dataDir = tempDataDir();
  const segments = new StandInSegments(dataDir);
  const { promise: gate, fire: release } = signal();
  const { promise: second, fire: secondWritten } = signal();
  // The first buffer's segment (rows 1..4) waits for `release`, then fails while `failing.on`
  // (a full disk); the second buffer's (rows 5..8) is written at once.
  const failing = { on: failFirst };
  const writeSegment = async (
    path: string,
    header: SegmentHeader,
    schema: readonly ColumnDef[],
    parts: readonly SegmentPartInput[],
  ) => {
    const first = parts.some((p) => p.rows.some((r) => p.batch.col('in_bytes')[r] === 1));
    if (first) await gate;
    if (first && failing.on) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    segments.writeSegment(path, header, schema, parts);
    if (!first) secondWritten();
  };
  const published: SealedSegment[] = [];
  const store = createWritePath(
    {
      writeSegment,
      coveredLsn: segments.coveredLsn,
      now: () => A,
      log: () => {},
      onSegment: (s) => published.push(s),
    },
    // Two seals in flight on the main thread; 4 rows fill a buffer; no timer during the test.
    { dataDir, maxOpenRows: 4, sealWorkers: 2, sealCheckMs: 3_600_000 },
  );
  return { dataDir, segments, store, release, second, published, failing };
}

const rows = (from: number): TestRow[] =>
  Array.from({ length: 4 }, (_, i) => ({ minute: A, device: 1 + (i % 2), bytes: from + i }));

test('the buffers of one minute are written in parallel and renamed in order', async () => {
  const { segments, store, release, second, published } = setup(false);
  await store.start();
  await store.append('acme', makeBatch(rows(1))); // full: its seal starts and blocks
  await store.append('acme', makeBatch(rows(5))); // full: joins the round, written meanwhile
  await second;
  assert.equal(published.length, 0, 'the second segment waits for the first');
  release();
  await store.sealNow({ all: true });
  await store.stop();
  assert.deepEqual(
    published.map((s) => [s.late, s.rows]),
    [
      [false, 4],
      [true, 4],
    ],
  );
  assert.ok(published[0]!.walLsn < published[1]!.walLsn);
  assert.deepEqual(segments.storedBytes('acme'), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('when an earlier buffer fails to seal, the later one is not published; both are sealed later, once', async () => {
  const { dataDir, segments, store, release, second, published, failing } = setup(true);
  await store.start();
  await store.append('acme', makeBatch(rows(1)));
  await store.append('acme', makeBatch(rows(5)));
  await second;
  release();
  // This round follows the one the appends started; in both the first buffer fails again.
  const round = await store.sealNow();
  assert.equal(published.length, 0, 'nothing published after the first buffer failed');
  assert.deepEqual(segments.storedBytes('acme'), []);
  assert.deepEqual(
    walk(dataDir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
  assert.equal(store.tenantTotals('acme').openRows, 8, 'both buffers still in memory');
  assert.equal(round.errors.length, 1);
  failing.on = false;
  await store.sealNow({ all: true });
  await store.stop();
  assert.deepEqual(
    published.map((s) => s.late),
    [false, true],
  );
  assert.deepEqual(segments.storedBytes('acme'), [1, 2, 3, 4, 5, 6, 7, 8]);
});
