import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HOUR_MS, hourFileName, parseHourFileName } from './hour-files.js';
import { openTable } from './index.js';
import { fromChunk, makeRows, type Row, scanAll, tempDir, testSchema, toRows } from './test-support.js';

const log = () => {};
const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

/** Rows in the order a full scan returns them: by hour file, then as appended. */
function fileOrder(batches: readonly Row[][]): Row[] {
  const all = batches.flatMap((b, batch) => b.map((r, i) => ({ r, batch, i })));
  const hour = (t: number) => Math.floor(t / HOUR_MS);
  all.sort((a, b) => hour(a.r.time) - hour(b.r.time) || a.batch - b.batch || a.i - b.i);
  return all.map((x) => x.r);
}

test('hour file names round-trip and nothing else parses', () => {
  assert.equal(hourFileName(T0), '2024-05-01T10.tbl');
  assert.equal(parseHourFileName('2024-05-01T10.tbl'), T0);
  for (const bad of [
    '2024-05-01T10.tbl.tmp',
    '2024-13-01T10.tbl',
    '2024-02-30T10.tbl',
    'x.tbl',
    '2024-05-01T24.tbl',
  ])
    assert.equal(parseHourFileName(bad), undefined, bad);
});

test('appended rows read back exactly, across hours, reopened, in chunks', async (t) => {
  const dir = tempDir(t);
  // Three appends: whole milliseconds 7 s apart (crossing an hour), a batch of fractional times
  // (stored as raw floats), and one going back into the first hour (a second block there).
  const batches = [
    makeRows(500, T0 + 50 * 60_000, 7_000, 1),
    makeRows(30, T0 + HOUR_MS + 0.25, 1_000.5, 2),
    makeRows(5, T0 + 1_000, 1, 3),
  ];
  const table = await openTable(dir, testSchema, { log });
  for (const b of batches) await table.append(toRows(b));
  const expected = fileOrder(batches);
  const all = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  assert.deepEqual((await scanAll(table, all)).rows, expected);
  assert.deepEqual(readdirSync(join(dir, 'tables', 'probe')).sort(), [
    '2024-05-01T10.tbl',
    '2024-05-01T11.tbl',
  ]);
  const s = table.stats();
  assert.equal(expected.filter((r) => r.time < T0 + HOUR_MS).length, 86 + 5);
  assert.equal(s.appendedRows, 535);
  // 500 rows from 10:50 at 7 s span 3493 s: 86 rows in hour 10 (up to 10:59:55), the rest before
  // 11:48. Batch 2 lies in hour 11, batch 3 in hour 10.
  assert.equal(s.appendedBlocks, 4, 'batch 1 split in two hours, one block each for batches 2 and 3');

  const reopened = await openTable(dir, testSchema, { log });
  assert.deepEqual((await scanAll(reopened, all)).rows, expected);
  // Chunks end after the block that fills them: blocks of 86, 5 (hour 10), 414, 30 (hour 11) rows
  // give chunks of 86, 5 + 414 and 30 rows.
  const chunked = await scanAll(reopened, { ...all, chunkRows: 50 });
  assert.deepEqual(chunked.rows, expected);
  assert.equal(chunked.chunks, 3);
  assert.equal(chunked.scanned, 535);
});

test('a scan returns the rows of its time range and matches, in the columns asked for', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  const batches = [0, 1, 2, 3].map((k) => makeRows(400, T0 + k * 1_000_000, 2_500, 10 + k));
  for (const b of batches) await table.append(toRows(b));
  const expected = fileOrder(batches);
  const cases = [
    { from: T0 + 123_456, to: T0 + 2_345_678, match: [] },
    { from: T0 + 500_000, to: T0 + 3_200_000, match: [{ column: 'status', values: ['timeout'] }] },
    {
      from: Number.NEGATIVE_INFINITY,
      to: T0 + 1_500_000,
      match: [
        { column: 'target', values: ['example.net', ''] },
        { column: 'status', values: ['ok'] },
      ],
    },
    { from: T0, to: T0 + 10 * HOUR_MS, match: [{ column: 'target', values: ['absent'] }] },
  ];
  for (const c of cases) {
    const want = expected
      .filter((r) => r.time >= c.from && r.time < c.to)
      .filter((r) => c.match.every((m) => m.values.includes(r[m.column as keyof Row] as string)))
      .map((r) => ({ time: r.time, status: r.status }));
    const got = await scanAll(table, { ...c, columns: ['time', 'status'] });
    assert.deepEqual(got.rows, want, JSON.stringify(c));
  }
});

test('blocks outside the range are not decoded', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  // Ten blocks of 50 rows in one hour, each covering its own 50 seconds.
  for (let k = 0; k < 10; k++) await table.append(toRows(makeRows(50, T0 + k * 50_000, 1_000, k)));
  const one = await scanAll(table, { from: T0 + 3 * 50_000 + 10_000, to: T0 + 3 * 50_000 + 20_000 });
  assert.equal(one.rows.length, 10);
  assert.equal(one.scanned, 50, 'only the block holding the range');
  const two = await scanAll(table, { from: T0 + 4 * 50_000 - 1_000, to: T0 + 4 * 50_000 + 1 });
  assert.equal(two.rows.length, 2);
  assert.equal(two.scanned, 100);
  const none = await scanAll(table, { from: T0 + HOUR_MS, to: T0 + 2 * HOUR_MS });
  assert.deepEqual(none, { rows: [], scanned: 0, chunks: 0 });
});

test('retention deletes the hour files that ended before the cut-off', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  const day = 86_400_000;
  // One row in each of 6 hours: 10:00 on days 0..2, and hours 10..12 of day 3.
  const times = [
    T0,
    T0 + day,
    T0 + 2 * day,
    T0 + 3 * day,
    T0 + 3 * day + HOUR_MS,
    T0 + 3 * day + 2 * HOUR_MS,
  ];
  const rows = makeRows(times.length, 0, 0).map((r, i) => ({ ...r, time: times[i]! }));
  await table.append(toRows(rows));
  assert.equal(table.stats().files, 6);
  // Keep 2 days before now = day 3, 11:30: files ending after day 1, 11:30 stay (days 2 and 3).
  const now = T0 + 3 * day + HOUR_MS + 30 * 60_000;
  assert.equal(await table.applyRetention(now, 2), 2);
  const kept = rows.filter((r) => r.time + HOUR_MS > now - 2 * day);
  assert.equal(kept.length, 4);
  const all = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  assert.deepEqual((await scanAll(table, all)).rows, kept);
  const onDisk = readdirSync(join(dir, 'tables', 'probe')).sort();
  assert.deepEqual(onDisk, kept.map((r) => hourFileName(r.time)).sort());
  assert.equal(existsSync(join(dir, 'tables', 'probe', hourFileName(T0))), false);
  assert.equal(table.stats().expiredFiles, 2);
  assert.equal(await table.applyRetention(now, 2), 0);
});

test('rows that do not fit the schema are refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  const good = toRows(makeRows(3, T0, 1));
  assert.throws(() => table.append({ ...good, rows: 4 }), TypeError);
  assert.throws(
    () => table.append({ rows: 3, columns: { ...good.columns, rtt: ['1', '2', '3'] } }),
    /column rtt, row 0/,
  );
  assert.throws(
    () => table.append({ rows: 1, columns: { time: [-1], target: [''], rtt: [0], status: [''] } }),
    RangeError,
  );
  assert.throws(
    () => table.append({ rows: 1, columns: { time: [Number.NaN], target: [''], rtt: [0], status: [''] } }),
    RangeError,
  );
  assert.equal(table.stats().files, 0);
  await table.append({ rows: 0, columns: { time: [], target: [], rtt: [], status: [] } });
  assert.equal(table.stats().appendedBlocks, 0);
});

test('f64 values keep their bits: NaN, infinities, -0, subnormals', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  const values = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    5e-324,
    1.7976931348623157e308,
  ];
  const rows = values.map((rtt, i) => ({ time: T0 + i, target: 'x', rtt, status: '' }));
  await table.append(toRows(rows));
  const got = (await scanAll(table, { from: T0, to: T0 + 10 })).rows;
  assert.deepEqual(
    got.map((r) => r.rtt),
    values,
  );
  assert.ok(Object.is(got[3]!.rtt, -0));
});

test('newest first: one chunk per hour file, the latest hour first', async (t) => {
  const dir = tempDir(t);
  const table = await openTable(dir, testSchema, { log });
  // 3 hours, two appends each (the later append's rows are newer within the hour).
  const batches = [0, 1, 2].flatMap((h) => [
    makeRows(20, T0 + h * HOUR_MS, 60_000, h),
    makeRows(20, T0 + h * HOUR_MS + 30 * 60_000, 60_000, 10 + h),
  ]);
  for (const b of batches) await table.append(toRows(b));
  const chunks: Row[][] = [];
  for await (const c of table.scan({
    from: T0 + 10 * 60_000,
    to: Number.POSITIVE_INFINITY,
    newestFirst: true,
    chunkRows: 5,
  }))
    chunks.push(fromChunk(c.chunk) as Row[]);
  const inHour = (h: number) =>
    fileOrder(batches).filter((r) => r.time >= T0 + 10 * 60_000 && Math.floor((r.time - T0) / HOUR_MS) === h);
  assert.deepEqual(chunks, [inHour(2), inHour(1), inHour(0)]);
});
