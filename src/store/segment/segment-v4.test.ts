import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatAddr } from '../../flow/addr.js';
import type { ColumnBatch } from '../../flow/batch.js';
import type { JobColumns } from '../backend.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { conversationBatch, conversationParts, conversationSchema } from './conversation-support.js';
import { inspectSegment, openSegment, writeSegmentSync } from './index.js';
import { assertEveryByteFlipDetected, tempDir, testHeader } from './test-support.js';

const names = conversationSchema.map((c) => c.name);

/** A row as a string: every column, addresses formatted, strings looked up. */
function fromBatch(batch: ColumnBatch<string>, r: number, columns: readonly string[]): string {
  return columns
    .map((name) => {
      const col = conversationSchema.find((c) => c.name === name)!;
      const arr = batch.arrays[batch.index[name]!]!;
      if (col.type === 'addr') return formatAddr(arr as Uint8Array, r * 16);
      if (col.type === 'string') return batch.getString(name, r);
      return String(arr[r]);
    })
    .join('|');
}

function fromJob(job: JobColumns, r: number, columns: readonly string[]): string {
  return columns
    .map((name) => {
      const col = conversationSchema.find((c) => c.name === name)!;
      const arr = job.columns[name]!;
      if (col.type === 'addr') return formatAddr(arr as Uint8Array, r * 16);
      if (col.type === 'string') return job.dicts[name]![arr[r]!]!;
      return String(arr[r]);
    })
    .join('|');
}

function write(rows: number): { path: string; batch: ColumnBatch<string> } {
  const batch = conversationBatch(rows);
  const path = join(tempDir(), `conv-${rows}.seg`);
  writeSegmentSync(path, testHeader, conversationSchema, conversationParts(batch));
  return { path, batch };
}

test('version 4 features all apply to conversation-shaped rows, and every row reads back', () => {
  const { path, batch } = write(3000);
  assert.equal(readFileSync(path).readUint16LE(8), 4);
  const parts = conversationParts(batch);
  const reader = openSegment(path);
  try {
    const encodings = new Set(
      reader.meta.parts.flatMap((p) => p.columns.map((c) => `${c.name}:${c.encoding}`)),
    );
    for (const want of [
      'src_addr:addr-shared',
      'dst_addr:addr-shared',
      'dst_as:keyed+shared',
      'dst_route_length:keyed+shared',
      'tos:sparse',
      'flow_end_time:patched',
    ]) {
      assert.ok(encodings.has(want), `${want} in ${[...encodings].join(' ')}`);
    }
    for (const [p, part] of parts.entries()) {
      const meta = reader.meta.parts[p]!;
      assert.ok(meta.leaders < meta.rows, 'repeated conversations');
      const job = reader.readPart(p, names);
      assert.equal(job.rows, part.rows.length);
      const want = Array.from(part.rows, (r) => fromBatch(batch, r, names)).sort();
      const got = Array.from({ length: job.rows }, (_, i) => fromJob(job, i, names)).sort();
      assert.deepEqual(got, want);
    }
  } finally {
    reader.close();
  }
});

test('every column reads alone, and with others, the same as in a full read', () => {
  const { path } = write(2000);
  const reader = openSegment(path);
  const buffers = new ReadBuffers();
  try {
    for (let p = 0; p < reader.meta.parts.length; p++) {
      const full = reader.readPart(p, names);
      const whole = Array.from({ length: full.rows }, (_, i) => fromJob(full, i, names));
      for (const name of names) {
        const alone = reader.readPart(p, [name], buffers.allocate);
        for (let i = 0; i < full.rows; i++)
          assert.equal(fromJob(alone, i, [name]), fromJob(full, i, [name]), name);
      }
      // Keyed columns before their keys, and a shared table before its owner.
      const order = ['dst_route_length', 'dst_as', 'src_as', 'dst_addr', 'flow_start_time', 'l4_src_port'];
      const some = reader.readPart(p, order, buffers.allocate);
      for (let i = 0; i < full.rows; i++) {
        assert.equal(fromJob(some, i, order), fromJob(full, i, order));
        assert.equal(fromJob(full, i, names), whole[i]);
      }
    }
  } finally {
    reader.close();
  }
});

test('inspect counts the part-level blocks (repeat map, shared dictionary)', () => {
  const { path } = write(2000);
  const info = inspectSegment(path);
  const columns = info.columns.reduce((sum, c) => sum + c.bytes, 0);
  const partBlocks = info.parts.reduce((sum, p) => sum + p.partBlockBytes, 0);
  assert.ok(partBlocks > 0);
  // Blocks and part blocks tile the file between header and footer.
  const reader = openSegment(path);
  const footerAt = reader.meta.bytes - columns - partBlocks - 16;
  reader.close();
  assert.ok(footerAt > 0 && footerAt < 4096, `${footerAt} bytes of footer and trailer`);
});

test('flipping any byte of a version 4 segment is detected, naming the path', () => {
  assertEveryByteFlipDetected(readFileSync(write(120).path), 'flipped-v4.seg', (reader) => {
    for (let p = 0; p < reader.meta.parts.length; p++) reader.readPart(p, names);
  });
});
