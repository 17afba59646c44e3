import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { F } from '../../flow/batch.js';
import { flowColumns } from '../../flow/schema.js';
import { clearFailPoints, setFailPoint } from '../../metrics/failpoint.js';
import { makeBatch, tempDataDir } from '../write/test-support.js';
import { decodeRecord, encodeRecord, WAL_FILE_MAGIC } from './record.js';
import { batchSource } from './source.js';
import { newWalStats } from './stats.js';
import type { WalFile } from './wal-file.js';
import { listWalFiles, replayWalFile, type WalFileInfo } from './wal-reader.js';
import { WalWriter } from './wal-writer.js';

afterEach(() => clearFailPoints());

const M = Date.UTC(2026, 0, 2, 3, 4);
const rows = (n: number, base = 0) =>
  makeBatch(
    Array.from({ length: n }, (_, i) => ({
      minute: M,
      device: 1 + (i % 3),
      bytes: base + i,
      geo: i % 2 ? 'DE' : 'FR',
    })),
  );

test('record: round trip of the touched columns, strings with their dictionary; CRC catches a flipped byte', () => {
  const batch = rows(5);
  const record = encodeRecord(flowColumns, batchSource(batch), 42);
  const buf = Buffer.concat(record.parts);
  assert.equal(buf.length, record.bytes);
  assert.equal(buf.length % 8, 0);
  const decoded = decodeRecord(flowColumns, buf, 0);
  assert.ok(typeof decoded === 'object');
  assert.equal(decoded.lsn, 42);
  assert.equal(decoded.length, 5);
  assert.deepEqual([...decoded.arrays[F.in_bytes]!], [0, 1, 2, 3, 4]);
  assert.deepEqual(decoded.dicts[F.src_geo], ['', 'FR', 'DE']);
  assert.equal(decoded.arrays[F.dst_addr], undefined, 'untouched columns are not logged');
  assert.equal(decoded.arrays[F.src_addr]!.length, 5 * 16);
  assert.deepEqual([...decoded.arrays[F.i_start_time]!], [M, M, M, M, M], 'a constant column is stored once');
  const zeroAddr = rows(3);
  zeroAddr.touch(F.dst_addr);
  const withZero = decodeRecord(
    flowColumns,
    Buffer.concat(encodeRecord(flowColumns, batchSource(zeroAddr), 1).parts),
    0,
  );
  assert.ok(typeof withZero === 'object');
  assert.deepEqual(
    [...withZero.arrays[F.dst_addr]!],
    new Array(48).fill(0),
    'a touched all-zero address column',
  );
  for (const at of [3, 30, buf.length - 1]) {
    const bad = Buffer.from(buf);
    bad[at]! ^= 1;
    assert.equal(decodeRecord(flowColumns, bad, 0), 'torn', `flip at ${at}`);
  }
  assert.equal(decodeRecord(flowColumns, buf.subarray(0, buf.length - 8), 0), 'torn');
});

function writer(
  dir: string,
  options: Partial<ConstructorParameters<typeof WalWriter>[1]> = {},
  now: () => number = Date.now,
) {
  const stats = newWalStats();
  const wal = new WalWriter(
    dir,
    { fsync: { mode: 'always' }, maxFileBytes: 1 << 30, rollMs: 1 << 30, ...options },
    1,
    stats,
    now,
  );
  return { wal, stats };
}

const append = (wal: WalWriter, n: number, base: number, applied: number[] = [], files: WalFile[] = []) => {
  const source = batchSource(rows(n, base));
  return wal.append(
    n,
    (lsn) => encodeRecord(flowColumns, source, lsn),
    (lsn, file) => {
      applied.push(lsn);
      files.push(file);
      file.holders.add(lsn);
    },
  );
};

test('group commit: appends arriving during an fsync share the next one', async () => {
  const dir = join(tempDataDir(), 'wal');
  const { wal, stats } = writer(dir);
  setFailPoint('store.wal.fsync', '1*sleep(30)');
  const applied: number[] = [];
  await Promise.all(Array.from({ length: 50 }, (_, i) => append(wal, 10, i * 10, applied)));
  assert.deepEqual(
    applied,
    Array.from({ length: 50 }, (_, i) => i + 1),
    'applied in LSN order',
  );
  assert.equal(stats.records, 50);
  assert.equal(stats.fsyncs, 2, 'the first append alone, then the 49 that queued behind it');
  assert.equal(stats.groups, 2);
  await wal.close();
});

test('fsync policies: never and interval acknowledge after the write; flush() syncs', async () => {
  const never = writer(join(tempDataDir(), 'wal'), { fsync: { mode: 'never' } });
  await Promise.all([append(never.wal, 5, 0), append(never.wal, 5, 5)]);
  assert.equal(never.stats.fsyncs, 0);
  await never.wal.close();
  assert.equal(never.stats.fsyncs, 1, 'close flushes what is unsynced');

  const interval = writer(join(tempDataDir(), 'wal'), { fsync: { mode: 'interval', ms: 60_000 } });
  await append(interval.wal, 5, 0);
  assert.equal(interval.stats.fsyncs, 0);
  await interval.wal.flush();
  assert.equal(interval.stats.fsyncs, 1);
  await interval.wal.flush();
  assert.equal(interval.stats.fsyncs, 1, 'nothing dirty: no fsync');
  await interval.wal.close();
});

test('files roll at a size and are deleted once released; replay reads them back in order', async () => {
  const dir = join(tempDataDir(), 'wal');
  const { wal, stats } = writer(dir, { maxFileBytes: 200 });
  const files: WalFile[] = [];
  for (let i = 0; i < 6; i++) await append(wal, 20, i * 20, [], files);
  assert.equal(stats.filesCreated, 6, 'each record is larger than the limit: one file each');
  assert.equal(wal.files.count(), 6);
  for (let i = 0; i < 5; i++) await wal.release(files[i]!, i + 1);
  assert.equal(readdirSync(dir).length, 1, 'the current file stays');
  assert.equal(stats.filesDeleted, 5);
  await wal.close();
  const listed = await listWalFiles(dir);
  const seen: number[] = [];
  const replay = await replayWalFile(listed[0]!, flowColumns, (record) => seen.push(record.lsn));
  assert.deepEqual(seen, [6]);
  assert.equal(replay.tornBytes, 0);
});

test('files roll once they are rollMs old (and not empty)', async () => {
  const clock = { now: 1_000_000 };
  const { wal, stats } = writer(join(tempDataDir(), 'wal'), { rollMs: 60_000 }, () => clock.now);
  await append(wal, 5, 0);
  clock.now += 59_999;
  await append(wal, 5, 5);
  assert.equal(stats.filesCreated, 1);
  clock.now += 1;
  await append(wal, 5, 10);
  assert.equal(stats.filesCreated, 2);
  clock.now += 120_000;
  await wal.flush();
  assert.equal(stats.filesCreated, 2, 'an idle WAL does not roll');
  await wal.close();
});

test('torn tail: a partial record is cut off at replay and counted; records before it survive', async () => {
  const dir = join(tempDataDir(), 'wal');
  const { wal } = writer(dir);
  for (let i = 0; i < 3; i++) await append(wal, 10, i * 10);
  await wal.close();
  const [info] = await listWalFiles(dir);
  const { truncateSync } = await import('node:fs');
  truncateSync(info!.path, info!.bytes - 100);
  const torn: WalFileInfo = { ...info!, bytes: info!.bytes - 100 };
  const lsns: number[] = [];
  const result = await replayWalFile(torn, flowColumns, (record) => lsns.push(record.lsn));
  assert.deepEqual(lsns, [1, 2]);
  assert.ok(result.tornBytes > 0);
  assert.equal(statSync(info!.path).size, result.file.size, 'the file is truncated at the last good record');
  assert.equal(result.file.maxLsn, 2);
  const again = await replayWalFile({ ...info!, bytes: result.file.size }, flowColumns, () => {});
  assert.equal(again.tornBytes, 0);
  assert.ok(result.file.size > WAL_FILE_MAGIC.length);
});

test('a failed write (ENOSPC) rejects the group, leaves no partial record, and later appends work', async () => {
  const dir = join(tempDataDir(), 'wal');
  const { wal, stats } = writer(dir);
  await append(wal, 10, 0);
  setFailPoint('store.wal.append', '1*return(ENOSPC)');
  await assert.rejects(append(wal, 10, 10), (err: { code?: string }) => err.code === 'store_disk_full');
  setFailPoint('store.wal.fsync', '1*return(EDQUOT)');
  await assert.rejects(append(wal, 10, 20), (err: { code?: string }) => err.code === 'store_disk_full');
  await append(wal, 10, 30);
  assert.equal(stats.writeErrors, 2);
  await wal.close();
  const lsns: number[] = [];
  let torn = 0;
  for (const info of await listWalFiles(dir)) {
    torn += (await replayWalFile(info, flowColumns, (record) => lsns.push(record.lsn))).tornBytes;
  }
  assert.deepEqual(lsns, [1, 4], 'only the acknowledged records');
  assert.equal(torn, 0);
});
