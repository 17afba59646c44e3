import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatAddr } from '../../flow/addr.js';
import type { ColumnBatch } from '../../flow/batch.js';
import { inspectSegment, openSegment, verifySegment, writeSegment, writeSegmentSync } from './index.js';
import { tempDir, testBatch, testHeader, testParts, testSchema } from './test-support.js';
import { CorruptSegmentError, type SegmentPartInput } from './types.js';

/** The rows of a part as comparable strings, in any order (the writer may reorder rows). */
function rowsOf(batch: ColumnBatch<string>, rows: Uint32Array): string[] {
  return Array.from(rows, (r) => JSON.stringify(batch.rowObject(r))).sort();
}

function readRows(path: string, part: number): string[] {
  const reader = openSegment(path);
  try {
    const job = reader.readPart(
      part,
      testSchema.map((c) => c.name),
    );
    const out: string[] = [];
    for (let i = 0; i < job.rows; i++) {
      const row: Record<string, string | number> = {};
      for (const col of testSchema) {
        const arr = job.columns[col.name]!;
        if (col.type === 'addr') row[col.name] = formatAddr(arr as Uint8Array, i * 16);
        else if (col.type === 'string') row[col.name] = job.dicts[col.name]![arr[i]!]!;
        else row[col.name] = arr[i]!;
      }
      out.push(JSON.stringify(row));
    }
    return out.sort();
  } finally {
    reader.close();
  }
}

function expectedRows(batch: ColumnBatch<string>, part: SegmentPartInput): string[] {
  return Array.from(part.rows, (r) => {
    const row: Record<string, string | number> = {};
    for (const col of testSchema) {
      const arr = batch.arrays[batch.index[col.name]!]!;
      if (col.type === 'addr') row[col.name] = formatAddr(arr as Uint8Array, r * 16);
      else if (col.type === 'string') row[col.name] = batch.getString(col.name, r);
      else row[col.name] = arr[r]!;
    }
    return JSON.stringify(row);
  }).sort();
}

test('a segment round-trips every column of every part, whole rows kept together', async () => {
  const dir = tempDir();
  const batch = testBatch(500);
  const parts = testParts(batch);
  const path = join(dir, 'a.seg');
  const meta = await writeSegment(path, testHeader, testSchema, parts);
  assert.equal(meta.parts.length, 2);
  assert.deepEqual(meta.header, testHeader);
  for (const p of [0, 1]) assert.deepEqual(readRows(path, p), expectedRows(batch, parts[p]!));
  assert.equal(rowsOf(batch, parts[0]!.rows).length, 250);
  const reader = openSegment(path);
  assert.deepEqual(reader.meta.parts, meta.parts);
  assert.equal(reader.meta.bytes, meta.bytes);
  assert.deepEqual(
    reader.meta.schema.map((c) => [c.name, c.type]),
    testSchema.map((c) => [c.name, c.type]),
  );
  reader.close();
});

test('the same rows in input order with sortBy [] and without compression', () => {
  const dir = tempDir();
  const batch = testBatch(100);
  const parts = testParts(batch);
  const path = join(dir, 'b.seg');
  writeSegmentSync(path, testHeader, testSchema, parts, { sortBy: [], level: 0 });
  const reader = openSegment(path);
  const job = reader.readPart(1, ['l4_dst_port']);
  assert.deepEqual(
    Array.from(job.columns.l4_dst_port!),
    Array.from(parts[1]!.rows, (r) => batch.arrays[batch.index.l4_dst_port]![r]),
  );
  reader.close();
});

test('typed arrays of exactly `rows` values; string dictionaries per part; stats', () => {
  const dir = tempDir();
  const batch = testBatch(40);
  const path = join(dir, 'c.seg');
  const meta = writeSegmentSync(path, testHeader, testSchema, testParts(batch));
  const reader = openSegment(path);
  const job = reader.readPart(0, [
    'src_addr',
    'in_bytes',
    'protocol',
    'l4_dst_port',
    'http_host',
    'i_device_id',
  ]);
  assert.equal(job.rows, 20);
  assert.ok(job.columns.src_addr instanceof Uint8Array && job.columns.src_addr.length === 320);
  assert.ok(job.columns.in_bytes instanceof Float64Array && job.columns.in_bytes.length === 20);
  assert.ok(job.columns.protocol instanceof Uint8Array);
  assert.ok(job.columns.l4_dst_port instanceof Uint16Array);
  assert.ok(job.columns.http_host instanceof Uint32Array);
  assert.equal(job.dicts.http_host![0], '');
  const bytes = meta.parts[0]!.columns.find((c) => c.name === 'in_bytes')!;
  const values = Array.from(job.columns.in_bytes!);
  assert.deepEqual(bytes.stats, { min: Math.min(...values), max: Math.max(...values) });
  assert.deepEqual(meta.parts[0]!.columns.find((c) => c.name === 'i_device_id')!.stats, { min: 1, max: 1 });
  assert.equal(meta.parts[0]!.columns.find((c) => c.name === 'src_addr')!.stats, undefined);
  reader.close();
});

test('empty parts, one-row parts, and a segment without parts', () => {
  const dir = tempDir();
  const batch = testBatch(1);
  const path = join(dir, 'd.seg');
  const bucket = testHeader.createdAt;
  writeSegmentSync(path, testHeader, testSchema, [
    { bucket, deviceId: 9, batch, rows: new Uint32Array(0) },
    { bucket, deviceId: 1, batch, rows: Uint32Array.of(0) },
  ]);
  const reader = openSegment(path);
  const empty = reader.readPart(0, ['src_addr', 'http_host', 'in_bytes']);
  assert.equal(empty.rows, 0);
  assert.equal(empty.columns.src_addr!.length, 0);
  assert.equal(reader.meta.parts[0]!.columns[4]!.stats, undefined);
  assert.deepEqual(
    readRows(path, 1),
    expectedRows(batch, { bucket, deviceId: 1, batch, rows: Uint32Array.of(0) }),
  );
  reader.close();
  const none = join(dir, 'e.seg');
  writeSegmentSync(none, { ...testHeader, table: 'rollup', resolution: 'hour' }, testSchema, []);
  assert.equal(inspectSegment(none).rows, 0);
  assert.equal(openSegment(none).meta.header.resolution, 'hour');
});

test('column projection reads only the requested blocks', () => {
  const dir = tempDir();
  const path = join(dir, 'f.seg');
  const meta = writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(200)), { level: 0 });
  // Overwrite the in_bytes block of part 0 with garbage: reading other columns must not notice.
  const reader = openSegment(path);
  const c = testSchema.findIndex((col) => col.name === 'in_bytes');
  let offset = 16;
  for (let i = 0; i < c; i++) offset += meta.parts[0]!.columns[i]!.bytes;
  reader.close();
  const file = readFileSync(path);
  file.fill(0xee, offset, offset + meta.parts[0]!.columns[c]!.bytes);
  writeFileSync(path, file);
  const damaged = openSegment(path);
  assert.equal(damaged.readPart(0, ['protocol', 'src_addr', 'http_host']).rows, 100);
  assert.equal(damaged.readPart(1, ['in_bytes']).rows, 100);
  assert.throws(() => damaged.readPart(0, ['in_bytes']), CorruptSegmentError);
  assert.throws(() => verifySegment(path), /in_bytes: checksum mismatch/);
  damaged.close();
});

test('a column stored relative to another reads alone, and its reference is checked', () => {
  const dir = tempDir();
  const path = join(dir, 'g.seg');
  const batch = testBatch(300);
  const meta = writeSegmentSync(path, testHeader, testSchema, testParts(batch));
  const start = meta.parts[0]!.columns.find((col) => col.name === 'flow_start_time')!;
  assert.match(start.encoding, /^ref\+/);
  const reader = openSegment(path);
  const job = reader.readPart(0, ['flow_start_time']);
  assert.deepEqual(Object.keys(job.columns), ['flow_start_time']);
  const want = Array.from(testParts(batch)[0]!.rows, (r) => batch.arrays[batch.index.flow_start_time]![r]!);
  assert.deepEqual(Array.from(job.columns.flow_start_time!).sort(), want.sort());
  reader.close();
});

test('columns missing from an older segment read as zeroes; unknown columns are an error', () => {
  const dir = tempDir();
  const path = join(dir, 'h.seg');
  writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(10)));
  const reader = openSegment(path);
  const job = reader.readPart(0, ['tls_server_name', 'out_bytes']);
  assert.deepEqual(Array.from(job.columns.out_bytes!), new Array(5).fill(0));
  assert.deepEqual(job.dicts.tls_server_name, ['']);
  assert.throws(() => reader.readPart(0, ['no_such_column']), /unknown column/);
  reader.close();
});

test('inspect reports rows, bytes per column and compression ratio', () => {
  const dir = tempDir();
  const path = join(dir, 'i.seg');
  writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(2000)));
  const info = inspectSegment(path);
  assert.equal(info.rows, 2000);
  assert.equal(info.parts.length, 2);
  const time = info.columns.find((c) => c.name === 'i_start_time')!;
  assert.ok(time.bytes < 40, `constant column takes ${time.bytes} bytes`);
  assert.ok(time.ratio > 100);
  assert.equal(info.header.tenant, 'acme');
});
