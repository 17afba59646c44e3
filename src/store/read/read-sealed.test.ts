import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatAddr, isZeroAddr } from '../../flow/addr.js';
import { ColumnBatch } from '../../flow/batch.js';
import type { ScanJob } from '../backend.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { writeSegmentSync } from '../segment/index.js';
import { tempDir, testBatch, testHeader, testParts, testSchema } from '../segment/test-support.js';
import { readSealedJob } from './read-sealed.js';
import { closeAllReaders } from './reader-cache.js';

const names = testSchema.map((c) => c.name);

/** Row `i` of columns (arrays indexed by schema position) as a comparable string. */
function rowString(
  arrays: (i: number) => ArrayLike<number>,
  dict: (i: number) => readonly string[],
  i: number,
): string {
  const row = testSchema.map((col, c) => {
    const arr = arrays(c);
    if (col.type === 'addr')
      return isZeroAddr(arr as Uint8Array, i * 16) ? '' : formatAddr(arr as Uint8Array, i * 16);
    if (col.type === 'string') return dict(c)[arr[i]!]!;
    return arr[i]!;
  });
  return JSON.stringify(row);
}

/** A part's input rows (the writer may reorder rows within a part: compare them sorted). */
function inputRows(batch: ColumnBatch<string>, rows: Uint32Array): string[] {
  return Array.from(rows, (r) =>
    rowString(
      (c) => batch.arrays[c]!,
      (c) => batch.dicts[c]!.values,
      r,
    ),
  );
}

function jobRows(job: ReturnType<typeof readSealedJob>): string[] {
  const out: string[] = [];
  for (let i = 0; i < job.rows; i++) {
    out.push(
      rowString(
        (c) => job.columns[names[c]!]!,
        (c) => job.dicts[names[c]!]!,
        i,
      ),
    );
  }
  return out;
}

test('a job of three parts in two files reads as their rows, in part order, with one string dictionary', (t) => {
  t.after(closeAllReaders);
  const dir = tempDir();
  // Two files holding device 1 of the same minute, each with different rows and string values.
  const a = testBatch(300);
  const b = testBatch(90);
  for (let r = 0; r < b.length; r++) b.setString('http_host', r, `late-${r % 4}.example`);
  const pa = join(dir, 'main.seg');
  const pb = join(dir, 'late.seg');
  writeSegmentSync(pa, testHeader, testSchema, testParts(a));
  writeSegmentSync(pb, testHeader, testSchema, testParts(b));
  const ref = (path: string, part: number) => ({ path, part, bytes: statSync(path).size });
  const job: ScanJob = {
    tenant: 'acme',
    resolution: 'minute',
    bucket: testParts(a)[0]!.bucket,
    deviceId: 1,
    rows: 0,
    sealed: true,
    dataId: undefined,
    location: { kind: 'sealed', parts: [ref(pa, 0), ref(pb, 0), ref(pa, 1)] },
  };
  // Expected: each part's input rows, as multisets, one part after the other.
  const parts = [testParts(a)[0]!, testParts(b)[0]!, testParts(a)[1]!];
  const expected = parts.map((p) => inputRows(p.batch, p.rows).sort());

  const check = (got: ReturnType<typeof readSealedJob>) => {
    assert.equal(
      got.rows,
      parts.reduce((sum, p) => sum + p.rows.length, 0),
    );
    const rows = jobRows(got);
    let at = 0;
    for (const want of expected) {
      assert.deepEqual(rows.slice(at, at + want.length).sort(), want);
      at += want.length;
    }
    const hosts = got.dicts.http_host!;
    assert.equal(new Set(hosts).size, hosts.length, 'one entry per distinct string');
  };
  check(readSealedJob(job, names));
  const buffers = new ReadBuffers();
  check(readSealedJob(job, names, buffers));
  const memory = readSealedJob(job, names, buffers).columns.in_bytes!.buffer;
  check(readSealedJob(job, names, buffers));
  assert.equal(readSealedJob(job, names, buffers).columns.in_bytes!.buffer, memory);
});

test('a column stored with another type in a later file is converted into the job array', (t) => {
  t.after(closeAllReaders);
  const dir = tempDir();
  // Version A stores l4_dst_port as u16 (the test schema), version B as u32 (a schema change).
  const wideSchema = testSchema.map((c) => (c.name === 'l4_dst_port' ? { ...c, type: 'u32' as const } : c));
  const a = testBatch(40);
  const b = new ColumnBatch<string>(wideSchema, 30);
  for (let r = 0; r < 30; r++) b.arrays[b.index.l4_dst_port!]![r] = 1000 + r;
  b.length = 30;
  const pa = join(dir, 'a.seg');
  const pb = join(dir, 'b.seg');
  writeSegmentSync(pa, testHeader, testSchema, testParts(a));
  writeSegmentSync(pb, testHeader, wideSchema, [
    { bucket: 0, deviceId: 1, batch: b, rows: Uint32Array.from({ length: 30 }, (_, i) => i) },
  ]);
  const ref = (path: string, part: number) => ({ path, part, bytes: statSync(path).size });
  const job: ScanJob = {
    tenant: 'acme',
    resolution: 'minute',
    bucket: 0,
    deviceId: 1,
    rows: 0,
    sealed: true,
    dataId: undefined,
    location: { kind: 'sealed', parts: [ref(pa, 0), ref(pb, 0)] },
  };
  const got = readSealedJob(job, ['l4_dst_port'], new ReadBuffers());
  const first = testParts(a)[0]!;
  const want = [
    ...Array.from(first.rows, (r) => a.arrays[a.index.l4_dst_port!]![r]!).sort((x, y) => x - y),
    ...Array.from({ length: 30 }, (_, i) => 1000 + i),
  ];
  const ports = Array.from(got.columns.l4_dst_port!);
  assert.equal(got.rows, first.rows.length + 30);
  assert.deepEqual(
    [
      ...ports.slice(0, first.rows.length).sort((x, y) => x - y),
      ...ports.slice(first.rows.length).sort((x, y) => x - y),
    ],
    want,
  );
});
