import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSegment, writeSegmentSync } from './index.js';
import { tempDir, testBatch, testHeader, testParts, testSchema } from './test-support.js';
import { CorruptSegmentError } from './types.js';

/** Opens a file and reads every column of every part; returns the error, if any. */
function readAll(path: string): unknown {
  try {
    const reader = openSegment(path);
    try {
      for (let p = 0; p < reader.meta.parts.length; p++) {
        reader.readPart(
          p,
          testSchema.map((c) => c.name),
        );
      }
    } finally {
      reader.close();
    }
    return undefined;
  } catch (err) {
    return err;
  }
}

function assertCorrupt(err: unknown, path: string, what: string): void {
  assert.ok(err instanceof CorruptSegmentError, `${what}: ${String(err)}`);
  assert.equal(err.path, path);
  assert.ok(err.message.includes(path));
}

test('flipping any byte of a small segment is detected, naming the path', () => {
  const dir = tempDir();
  const path = join(dir, 'small.seg');
  writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(24)));
  const good = readFileSync(path);
  assert.equal(readAll(path), undefined);
  const bad = join(dir, 'flipped.seg');
  for (let offset = 0; offset < good.length; offset++) {
    for (const mask of [0x01, 0xff]) {
      const copy = Buffer.from(good);
      copy[offset]! ^= mask;
      writeFileSync(bad, copy);
      assertCorrupt(readAll(bad), bad, `byte ${offset} of ${good.length} ^ ${mask}`);
    }
  }
});

test('every truncation and every extension of a segment is detected', () => {
  const dir = tempDir();
  const path = join(dir, 'small.seg');
  writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(10)));
  const good = readFileSync(path);
  const bad = join(dir, 'cut.seg');
  for (let length = 0; length < good.length; length++) {
    writeFileSync(bad, good.subarray(0, length));
    assertCorrupt(readAll(bad), bad, `truncated to ${length}`);
  }
  writeFileSync(bad, Buffer.concat([good, Buffer.from([0])]));
  assertCorrupt(readAll(bad), bad, 'one byte appended');
});

test('random files and random splices never hang and only throw CorruptSegmentError', () => {
  const dir = tempDir();
  const path = join(dir, 'small.seg');
  writeSegmentSync(path, testHeader, testSchema, testParts(testBatch(30)));
  const good = readFileSync(path);
  const bad = join(dir, 'fuzz.seg');
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let t = 0; t < 400; t++) {
    let bytes: Buffer;
    if (t % 4 === 0) {
      bytes = Buffer.alloc(rnd(200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd(256);
    } else {
      // A valid file with a random run of bytes overwritten: the trailer usually survives.
      bytes = Buffer.from(good);
      const at = rnd(bytes.length);
      const len = 1 + rnd(16);
      for (let i = at; i < Math.min(bytes.length, at + len); i++) bytes[i] = rnd(256);
      if (bytes.equals(good)) continue;
    }
    writeFileSync(bad, bytes);
    assertCorrupt(readAll(bad), bad, `fuzz case ${t}`);
  }
});
