import assert from 'node:assert/strict';
import { closeSync, copyFileSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../test/helpers/paths.js';
import { conversationBatch, conversationParts, conversationSchema } from './conversation-support.js';
import { readFooter } from './footer-read.js';
import { openSegment, PartCopier, writeSegmentSync } from './index.js';
import { columnCells, tempDir, testHeader } from './test-support.js';
import { CorruptSegmentError, type SegmentPart } from './types.js';
import { fixtureHeader, fixtureParts, fixtureSchema } from './v2-fixture.js';

const names = conversationSchema.map((c) => c.name);

function cellsOf(path: string, part: number): string[] {
  const reader = openSegment(path);
  try {
    return columnCells(reader.readPart(part, names), names);
  } finally {
    reader.close();
  }
}

/** The stored bytes of each block of a part, in hex, found through the file's footer. */
function storedBlocks(path: string, part: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const entry = readFooter(fd, fstatSync(fd).size).footer.parts[part]!;
    const bytes = readFileSync(path);
    return [entry.repeats, entry.addresses, ...entry.blocks].map((b) =>
      b === undefined ? '-' : bytes.subarray(b.offset, b.offset + b.length).toString('hex'),
    );
  } finally {
    closeSync(fd);
  }
}

test('parts copied as stored read back as in their source file, beside a part encoded anew', () => {
  const dir = tempDir();
  const a = join(dir, 'a.seg');
  const b = join(dir, 'b.seg');
  // Conversation rows give parts with a repeat map, a shared address dictionary and keyed columns.
  writeSegmentSync(a, testHeader, conversationSchema, conversationParts(conversationBatch(3000, 1)));
  const bParts = conversationParts(conversationBatch(2000, 7));
  writeSegmentSync(b, testHeader, conversationSchema, bParts);
  const copier = new PartCopier(conversationSchema);
  const parts: SegmentPart[] = [copier.part(a, 1)!, bParts[0]!, copier.part(a, 0)!];
  copier.close();
  assert.ok(parts.every((p) => p !== undefined));
  const out = join(dir, 'out.seg');
  const meta = writeSegmentSync(out, testHeader, conversationSchema, parts);
  assert.deepEqual(
    meta.parts.map((p) => p.deviceId),
    [2, 1, 1],
  );
  // The oracle is each source file read by the ordinary reader.
  assert.deepEqual(cellsOf(out, 0), cellsOf(a, 1));
  assert.deepEqual(cellsOf(out, 1), cellsOf(b, 0));
  assert.deepEqual(cellsOf(out, 2), cellsOf(a, 0));
  // Copied verbatim: every block's stored bytes are the source's (the encoded part's are not compared).
  assert.deepEqual(storedBlocks(out, 0), storedBlocks(a, 1));
  assert.deepEqual(storedBlocks(out, 2), storedBlocks(a, 0));
  assert.ok(
    storedBlocks(out, 0).some((b) => b.length > 100),
    'blocks hold data',
  );
  const reader = openSegment(out);
  reader.verify();
  reader.close();
});

test('a damaged block is not carried into a new file: the copy fails naming the source', () => {
  const dir = tempDir();
  const good = join(dir, 'good.seg');
  writeSegmentSync(good, testHeader, conversationSchema, conversationParts(conversationBatch(1000, 3)));
  const bytes = readFileSync(good);
  const bad = join(dir, 'bad.seg');
  // Byte 100 lies in the first part's blocks (the header is 16 bytes; the footer is at the end).
  bytes[100]! ^= 0x40;
  writeFileSync(bad, bytes);
  const copier = new PartCopier(conversationSchema);
  assert.throws(
    () => copier.part(bad, 0),
    (err) => err instanceof CorruptSegmentError && err.path === bad,
  );
  copier.close();
});

test('files of an older format version or another schema are not copied (the caller re-encodes)', () => {
  const dir = tempDir();
  // v3-small.seg holds fixtureParts() in format version 3; the same parts written now must copy.
  const v3 = join(dir, 'v3.seg');
  copyFileSync(`${repoRoot}src/store/segment/testdata/v3-small.seg`, v3);
  const current = join(dir, 'current.seg');
  writeSegmentSync(current, fixtureHeader, fixtureSchema, fixtureParts());
  const copier = new PartCopier(fixtureSchema);
  assert.equal(copier.part(v3, 0), undefined);
  assert.notEqual(copier.part(current, 0), undefined);
  assert.equal(copier.part(current, 5), undefined, 'no such part');
  copier.close();
  const other = new PartCopier(conversationSchema);
  assert.equal(other.part(current, 0), undefined);
  other.close();
});
