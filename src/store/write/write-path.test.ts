import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import {
  clearFailPoints,
  configureFailPoints,
  setFailPoint,
  setFailPointHooks,
} from '../../metrics/failpoint.js';
import { encodeTenant, walDir } from './layout.js';
import type { ReplayProgress } from './recovery.js';
import { makeBatch, StandInSegments, type TestRow, tempDataDir, walk } from './test-support.js';
import { createWritePath, type WritePath, type WritePathConfig } from './write-path.js';

afterEach(() => clearFailPoints());

const M = Date.UTC(2026, 0, 2, 3, 4);
const MIN = 60_000;

interface Harness {
  dataDir: string;
  segments: StandInSegments;
  clock: { now: number };
  logs: string[];
  progress: ReplayProgress[];
  open(config?: Partial<WritePathConfig>): Promise<WritePath>;
}

function harness(dataDir = tempDataDir()): Harness {
  const segments = new StandInSegments(dataDir);
  const clock = { now: M + 30_000 };
  const logs: string[] = [];
  const progress: ReplayProgress[] = [];
  return {
    dataDir,
    segments,
    clock,
    logs,
    progress,
    async open(config = {}) {
      const store = createWritePath(
        {
          writeSegment: segments.writeSegment,
          coveredLsn: segments.coveredLsn,
          now: () => clock.now,
          log: (line) => logs.push(line),
          onProgress: (p) => progress.push(p),
        },
        { dataDir, ...config },
      );
      await store.start();
      return store;
    },
  };
}

let nextBytes = 1;
const rows = (minute: number, n: number, devices = [1, 2, 3]): TestRow[] =>
  Array.from({ length: n }, (_, i) => ({
    minute,
    device: devices[i % devices.length]!,
    bytes: nextBytes++,
    geo: i % 2 ? 'DE' : 'NL',
  }));
const bytesOf = (list: TestRow[]) => list.map((r) => r.bytes).sort((a, b) => a - b);

test('open minutes: jobs and reads by device, sealed after the grace period, WAL deleted', async () => {
  const h = harness();
  const store = await h.open({ walRollMs: 0 });
  const a = rows(M, 30);
  const b = rows(M + MIN, 6, [7]);
  await store.append('acme', makeBatch([...a, ...b]));
  const jobs = store.openJobs('acme', M, M + 2 * MIN);
  assert.deepEqual(
    jobs.map((j) => [j.bucket - M, j.deviceId, j.rows, j.sealed]),
    [
      [0, 1, 10, false],
      [0, 2, 10, false],
      [0, 3, 10, false],
      [MIN, 7, 6, false],
    ],
  );
  assert.deepEqual(store.openJobs('acme', M, M + 2 * MIN, [2]).length, 1);
  const read = store.readOpen('acme', M, 2, ['in_bytes', 'src_geo', 'src_addr']);
  assert.equal(read.rows, 10);
  assert.deepEqual(
    [...read.columns.in_bytes!],
    a.filter((r) => r.device === 2).map((r) => r.bytes),
  );
  assert.deepEqual(
    [...read.columns.src_geo!].map((code) => read.dicts.src_geo![code]),
    a.filter((r) => r.device === 2).map((r) => r.geo),
  );
  assert.equal(read.columns.src_addr!.length, 160);

  assert.deepEqual((await store.sealNow()).segments, [], 'grace period not over');
  h.clock.now = M + MIN + 90_000;
  const report = await store.sealNow();
  assert.deepEqual(
    report.segments.map((s) => [s.minute - M, s.rows, s.late]),
    [[0, 30, false]],
  );
  assert.match(report.segments[0]!.path, /2026\/01\/02\/0304\.seg$/);
  assert.deepEqual(store.openJobs('acme', M, M + MIN), []);
  assert.deepEqual(h.segments.storedBytes(), bytesOf(a));

  h.clock.now = M + 2 * MIN + 90_000;
  await store.append('acme', makeBatch(rows(M + 2 * MIN, 1)));
  await store.sealNow();
  assert.deepEqual(h.segments.storedBytes(), bytesOf(a.concat(b)));
  await store.stop();
  assert.equal(store.stats().openRows, 0);
  assert.equal(readdirSync(walDir(h.dataDir, 'acme')).length, 1, 'only the current (empty) WAL file is left');
});

test('late rows of a sealed minute become a late segment, after lateDelayMs', async () => {
  const h = harness();
  const store = await h.open();
  const a = rows(M, 9);
  await store.append('acme', makeBatch(a));
  h.clock.now = M + MIN + 90_000;
  await store.sealNow();
  const late = rows(M, 4);
  await store.append('acme', makeBatch(late));
  assert.equal(
    store.openJobs('acme', M, M + MIN).reduce((n, j) => n + j.rows, 0),
    4,
    'late rows are readable',
  );
  assert.deepEqual((await store.sealNow()).segments, []);
  h.clock.now += 10_000;
  const [segment] = (await store.sealNow()).segments;
  assert.equal(segment?.late, true);
  assert.match(segment!.path, /0304\.late-[0-9a-f]{16}\.seg$/);
  assert.equal(h.segments.files().length, 2);
  assert.deepEqual(h.segments.storedBytes(), bytesOf(a.concat(late)));
  await store.stop();
});

test('replay after a crash between sealing and deleting the WAL duplicates nothing', async () => {
  const h = harness();
  const first = await h.open();
  const sealed = rows(M, 12);
  await first.append('acme', makeBatch(sealed));
  setFailPoint('store.wal.delete', 'return');
  const printed: string[] = [];
  setFailPointHooks({ print: (line) => printed.push(line) });
  setFailPoint('store.seal.after', 'print(crash here)');
  h.clock.now = M + MIN + 90_000;
  await first.sealNow();
  assert.deepEqual(printed, ['fail point store.seal.after: crash here']);
  const pending = rows(M + MIN, 5);
  await first.append('acme', makeBatch(pending));
  clearFailPoints();
  // Crash: `first` is abandoned without stop().

  const second = await h.open();
  const replay = h.progress.at(-1)!;
  assert.equal(replay.done, true);
  assert.equal(replay.rowsSkipped, 12, 'rows already in a segment are not applied again');
  assert.equal(replay.rowsReplayed, 5);
  assert.equal(
    second.openJobs('acme', M, M + 2 * MIN).reduce((n, j) => n + j.rows, 0),
    5,
  );
  const more = rows(M + MIN, 3);
  await second.append('acme', makeBatch(more));
  await second.stop();
  assert.deepEqual(h.segments.storedBytes(), bytesOf([...sealed, ...pending, ...more]));

  const third = await h.open();
  assert.equal(h.progress.at(-1)!.rowsReplayed, 0);
  await third.stop();
  assert.deepEqual(h.segments.storedBytes(), bytesOf([...sealed, ...pending, ...more]), 'still exactly once');
});

test('late rows replayed after a crash go to a late segment of their minute', async () => {
  const h = harness();
  const first = await h.open();
  const a = rows(M, 4);
  await first.append('acme', makeBatch(a));
  h.clock.now = M + MIN + 90_000;
  await first.sealNow();
  const late = rows(M, 2);
  await first.append('acme', makeBatch(late));
  const second = await h.open();
  assert.equal(h.progress.at(-1)!.rowsReplayed, 2);
  const report = await second.sealNow({ all: true });
  assert.equal(report.segments[0]?.late, true);
  assert.deepEqual(h.segments.storedBytes(), bytesOf([...a, ...late]));
  await second.stop();
});

test('a torn WAL tail is cut off at start, counted, and the records before it replayed', async () => {
  const h = harness();
  const first = await h.open();
  const kept = rows(M, 10);
  await first.append('acme', makeBatch(kept));
  await first.append('acme', makeBatch(rows(M, 10)));
  const [file] = readdirSync(walDir(h.dataDir, 'acme'));
  const path = join(walDir(h.dataDir, 'acme'), file!);
  truncateSync(path, statSync(path).size - 40);
  const second = await h.open();
  const replay = h.progress.at(-1)!;
  assert.equal(replay.tornRecords, 1);
  assert.ok(replay.tornBytes > 0);
  assert.equal(replay.rowsReplayed, 10);
  await second.stop();
  assert.deepEqual(h.segments.storedBytes(), bytesOf(kept));
});

test('disk full: appends and seals fail with store_disk_full, nothing is corrupted, work resumes', async () => {
  const h = harness();
  const store = await h.open();
  const ok1 = rows(M, 5);
  await store.append('acme', makeBatch(ok1));
  setFailPoint('store.wal.append', '2*return(ENOSPC)');
  for (let i = 0; i < 2; i++) {
    await assert.rejects(store.append('acme', makeBatch(rows(M, 5))), (err: { code?: string }) => {
      return err.code === 'store_disk_full';
    });
  }
  assert.equal(h.logs.length, 1, 'logged through the rate limiter');
  assert.match(h.logs[0]!, /^error .*disk is full.* reason=store_disk_full$/);
  const ok2 = rows(M, 5);
  await store.append('acme', makeBatch(ok2));
  assert.equal(store.stats().diskFull, 2);
  assert.equal(
    store.openJobs('acme', M, M + MIN).reduce((n, j) => n + j.rows, 0),
    10,
    'rejected rows are not kept',
  );

  setFailPoint('store.seal.write', '1*return(ENOSPC)');
  setFailPoint('store.seal.rename', '1*return(ENOSPC)');
  for (let i = 0; i < 2; i++) {
    const failed = await store.sealNow({ all: true });
    assert.equal(failed.errors[0]?.code, 'store_disk_full');
    assert.deepEqual(
      walk(h.dataDir).filter((f) => f.endsWith('.tmp')),
      [],
      'no partial segment left',
    );
  }
  assert.equal(store.readOpen('acme', M, 1, ['in_bytes']).rows, 4, 'unsealed rows stay readable');
  const ok3 = rows(M, 2);
  await store.append('acme', makeBatch(ok3));
  const sealed = await store.sealNow({ all: true });
  assert.deepEqual(
    sealed.segments.map((s) => s.late),
    [false, true],
    'the retried main segment, then the rows that arrived meanwhile',
  );
  await store.stop();
  assert.deepEqual(h.segments.storedBytes(), bytesOf([...ok1, ...ok2, ...ok3]));

  const again = await h.open();
  assert.equal(h.progress.at(-1)!.rowsReplayed, 0);
  assert.equal(h.progress.at(-1)!.tornRecords, 0);
  await again.stop();
});

test('recovery reports progress at a bounded rate and ends at 100%', async () => {
  const h = harness();
  const first = await h.open({ walMaxFileBytes: 1024 });
  for (let i = 0; i < 40; i++) await first.append('acme', makeBatch(rows(M, 20)));
  h.progress.length = 0;
  const second = await h.open({ progressIntervalMs: 0 });
  assert.ok(h.progress.length > 40, 'a report per record when unthrottled');
  const last = h.progress.at(-1)!;
  assert.equal(last.done, true);
  assert.equal(last.percent, 100);
  assert.equal(last.records, 40);
  assert.equal(last.bytes, last.bytesTotal);
  assert.ok(last.filesTotal > 5);
  for (let i = 1; i < h.progress.length; i++) assert.ok(h.progress[i]!.bytes >= h.progress[i - 1]!.bytes);
  await second.stop();
  h.progress.length = 0;
  const throttled = await h.open({ progressIntervalMs: 60_000 });
  assert.equal(h.progress.length, 1, 'only the final report');
  await throttled.stop();
});

test('a full buffer is sealed early; tenants are encoded for paths; rows of several minutes in one batch', async () => {
  const h = harness();
  const store = await h.open({ maxOpenRows: 8 });
  const tenant = '../x/y.z';
  const first = rows(M, 10);
  await store.append(tenant, makeBatch(first));
  await store.sealNow();
  const segments = h.segments.segments(tenant);
  assert.equal(segments.length, 1);
  assert.equal(segments[0]!.rows.length, 10);
  assert.ok(existsSync(join(h.dataDir, 'store', encodeTenant(tenant))));
  assert.equal(encodeTenant(tenant), '%2E%2E%2Fx%2Fy%2Ez');
  const mixed = [...rows(M, 3), ...rows(M + MIN, 3), ...rows(M, 1)];
  await store.append(tenant, makeBatch(mixed));
  assert.deepEqual(
    store.openJobs(tenant, M, M + 2 * MIN).map((j) => [j.bucket - M, j.deviceId, j.rows]),
    [
      [0, 1, 2],
      [0, 2, 1],
      [0, 3, 1],
      [MIN, 1, 1],
      [MIN, 2, 1],
      [MIN, 3, 1],
    ],
  );
  await store.stop();
  assert.deepEqual(h.segments.storedBytes(tenant), bytesOf([...first, ...mixed]));
});

test('rows are visible once durable; a failed write rejects the appends queued behind it and drops their rows', async () => {
  const h = harness();
  const store = await h.open();
  const openRows = () => store.openJobs('acme', M, M + MIN).reduce((n, j) => n + j.rows, 0);
  const ok = rows(M, 4);
  await store.append('acme', makeBatch(ok));
  setFailPoint('store.wal.append', 'pause');
  const inFlight = store.append('acme', makeBatch(rows(M, 3)));
  const queued = store.append('acme', makeBatch(rows(M, 2)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(openRows(), 4, 'staged rows stay invisible until durable');
  const seal = store.sealNow({ all: true });
  configureFailPoints('store.wal.fsync=1*return(ENOSPC);store.wal.append=off');
  await assert.rejects(inFlight, { code: 'store_disk_full' });
  await assert.rejects(queued, { code: 'store_disk_full' });
  const report = await seal;
  assert.deepEqual(
    report.segments.map((s) => s.rows),
    [4],
    'the seal waited for the write and left the rejected rows out',
  );
  const after = rows(M, 5);
  await store.append('acme', makeBatch(after));
  assert.equal(openRows(), 5);
  await store.stop();
  assert.deepEqual(h.segments.storedBytes(), bytesOf([...ok, ...after]));
  const again = await h.open();
  assert.equal(h.progress.at(-1)!.rowsReplayed, 0, 'nothing rejected comes back from the WAL');
  await again.stop();
});
