import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../test/helpers/paths.js';
import type { JobColumns } from '../backend.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { openSegment, writeSegmentSync } from './index.js';
import { tempDir } from './test-support.js';
import { CorruptSegmentError } from './types.js';
import {
  FIXTURE_BUCKET,
  fixtureHeader,
  fixturePartRows,
  fixtureParts,
  fixtureRow,
  fixtureSchema,
} from './v2-fixture.js';

const v2File = `${repoRoot}src/store/segment/testdata/v2-small.seg`;
/** The same rows written by the version 3 writer (commit f602b50), before version 4. */
const v3File = `${repoRoot}src/store/segment/testdata/v3-small.seg`;
const names = fixtureSchema.map((c) => c.name);

function bytesAt(array: ArrayLike<number>, row: number): number[] {
  return Array.from({ length: 16 }, (_, k) => array[row * 16 + k]!);
}

/** Checks every value of a part against `fixtureRow`, finding each row by its unique dst_addr. */
function checkPart(job: JobColumns, p: number): void {
  assert.equal(job.rows, fixturePartRows[p]);
  const seen = new Set<number>();
  for (let r = 0; r < job.rows; r++) {
    const dst = bytesAt(job.columns.dst_addr!, r);
    const i = ((dst[14]! << 8) | dst[15]!) / 3;
    assert.ok(Number.isInteger(i) && i < job.rows && !seen.has(i), `row ${r}: dst ${dst}`);
    seen.add(i);
    const want = fixtureRow(p, i);
    const c = job.columns;
    assert.deepEqual(
      {
        start: c.i_start_time![r],
        device: job.dicts.i_device_name![c.i_device_name![r]!],
        end: c.flow_end_time![r],
        flowStart: c.flow_start_time![r],
        src: bytesAt(c.src_addr!, r),
        dst,
        srcPort: c.l4_src_port![r],
        dstPort: c.l4_dst_port![r],
        protocol: c.protocol![r],
        inBytes: c.in_bytes![r],
        srcAs: c.src_as![r],
        nextHop: bytesAt(c.ipv4_next_hop!, r),
        missing: c.tls_server_name![r],
      },
      {
        start: FIXTURE_BUCKET,
        device: want.device,
        end: want.end,
        flowStart: want.start,
        src: want.src,
        dst: want.dst,
        srcPort: want.srcPort,
        dstPort: want.dstPort,
        protocol: want.protocol,
        inBytes: want.inBytes,
        srcAs: want.srcAs,
        nextHop: want.nextHop,
        missing: 0,
      },
      `part ${p} row ${i}`,
    );
  }
}

test('a version 2 segment (CRC32C block checksums) written by the old writer still reads', () => {
  assert.equal(readFileSync(v2File).readUint16LE(8), 2);
  const reader = openSegment(v2File);
  try {
    assert.deepEqual(reader.meta.header, fixtureHeader);
    for (let p = 0; p < 2; p++) checkPart(reader.readPart(p, [...names, 'tls_server_name']), p);
  } finally {
    reader.close();
  }
});

test('a version 2 block with a flipped byte fails its CRC32C', () => {
  const bytes = readFileSync(v2File);
  const reader = openSegment(v2File);
  const block = reader.meta.parts[1]!.columns.findIndex((c) => c.name === 'flow_end_time');
  reader.close();
  // The block's first byte: the blocks tile the file from byte 16 in (part, column) order.
  let offset = 16;
  for (const part of reader.meta.parts.slice(0, 1)) for (const col of part.columns) offset += col.bytes;
  for (const col of reader.meta.parts[1]!.columns.slice(0, block)) offset += col.bytes;
  bytes[offset + 1]! ^= 0x10;
  const path = join(tempDir(), 'flipped.seg');
  writeFileSync(path, bytes);
  const damaged = openSegment(path);
  assert.equal(damaged.readPart(1, ['protocol']).rows, fixturePartRows[1]);
  assert.throws(() => damaged.readPart(1, ['flow_end_time']), CorruptSegmentError);
  damaged.close();
});

test('a version 3 segment (XXH32, no repeats or bit-packing) written by the old writer still reads', () => {
  assert.equal(readFileSync(v3File).readUint16LE(8), 3);
  const reader = openSegment(v3File);
  try {
    assert.deepEqual(reader.meta.header, fixtureHeader);
    assert.ok(reader.meta.parts.every((p) => p.leaders === p.rows));
    for (let p = 0; p < 2; p++) checkPart(reader.readPart(p, [...names, 'tls_server_name']), p);
    const buffers = new ReadBuffers();
    for (let p = 1; p >= 0; p--)
      checkPart(reader.readPart(p, [...names, 'tls_server_name'], buffers.allocate), p);
  } finally {
    reader.close();
  }
  // A damaged block of it fails its XXH32.
  const bytes = readFileSync(v3File);
  bytes[20]! ^= 0x01;
  const path = join(tempDir(), 'flipped-v3.seg');
  writeFileSync(path, bytes);
  const damaged = openSegment(path);
  try {
    assert.throws(() => damaged.readPart(0, names), CorruptSegmentError);
  } finally {
    damaged.close();
  }
});

test('the same rows written now are version 4 and read back the same', () => {
  const path = join(tempDir(), 'v4.seg');
  writeSegmentSync(path, fixtureHeader, fixtureSchema, fixtureParts());
  assert.equal(readFileSync(path).readUint16LE(8), 4);
  const reader = openSegment(path);
  try {
    for (let p = 0; p < 2; p++) checkPart(reader.readPart(p, [...names, 'tls_server_name']), p);
  } finally {
    reader.close();
  }
});

test('reading into ReadBuffers gives the same columns and reuses their memory', () => {
  const reader = openSegment(v2File);
  const buffers = new ReadBuffers();
  try {
    const first = reader.readPart(0, [...names, 'tls_server_name'], buffers.allocate);
    checkPart(first, 0);
    const memory = first.columns.src_addr!.buffer;
    const held = buffers.bytes;
    const second = reader.readPart(1, [...names, 'tls_server_name'], buffers.allocate);
    checkPart(second, 1);
    // Part 1 is smaller than part 0: the same buffers, nothing allocated.
    assert.equal(second.columns.src_addr!.buffer, memory);
    assert.equal(buffers.bytes, held);
  } finally {
    reader.close();
  }
});
