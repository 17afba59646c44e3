import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HEADER_BYTES } from './block-format.js';
import { scanFile } from './file-scan.js';
import { hourFileName } from './hour-files.js';
import { openTable, tableDir } from './index.js';
import { makeRows, type Row, scanAll, tempDir, testSchema, toRows } from './test-support.js';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const all = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };

/** A table of three blocks in one hour file; returns the file, its bytes, each block's rows and start. */
async function threeBlocks(dir: string) {
  const table = await openTable(dir, testSchema, { log: () => {} });
  const blocks: Row[][] = [
    makeRows(40, T0, 1_000, 1),
    makeRows(40, T0 + 60_000, 1_000, 2),
    makeRows(12, T0 + 120_000, 1_000, 3),
  ];
  const starts: number[] = [];
  const file = join(tableDir(dir, 'probe'), hourFileName(T0));
  for (const b of blocks) {
    starts.push(table.stats().diskBytes);
    await table.append(toRows(b));
  }
  return { file, bytes: readFileSync(file), blocks, starts };
}

test('a torn last block is cut at every byte offset; the blocks before it stay, appends go on', async (t) => {
  const source = tempDir(t);
  const { bytes, blocks, starts } = await threeBlocks(source);
  const last = starts[2]!;
  assert.ok(bytes.length - last > HEADER_BYTES, 'the last block has a payload');
  const kept = [...blocks[0]!, ...blocks[1]!];
  const extra = makeRows(3, T0 + 200_000, 1, 9);
  for (let cut = last + 1; cut < bytes.length; cut++) {
    const dir = tempDir(t);
    const file = join(tableDir(dir, 'probe'), hourFileName(T0));
    // Create the table directory, then put the torn file in it.
    await openTable(dir, testSchema, { log: () => {} });
    writeFileSync(file, bytes.subarray(0, cut));
    const lines: string[] = [];
    const table = await openTable(dir, testSchema, { log: (l) => lines.push(l) });
    assert.equal(statSync(file).size, last, `cut at ${cut}: file cut back to the last whole block`);
    assert.equal(table.stats().tornTails, 1);
    assert.equal(table.stats().tornBytes, cut - last);
    assert.match(lines.join('\n'), /cut a torn tail/);
    assert.deepEqual((await scanAll(table, all)).rows, kept, `cut at ${cut}`);
    await table.append(toRows(extra));
    assert.deepEqual((await scanAll(table, all)).rows, [...kept, ...extra], `cut at ${cut}, appended`);
  }
});

test('a damaged block inside a file is skipped and counted; the others are read', async (t) => {
  const dir = tempDir(t);
  const { file, bytes, blocks, starts } = await threeBlocks(dir);
  const damaged = Buffer.from(bytes);
  damaged[starts[1]! + HEADER_BYTES + 5]! ^= 0x40;
  writeFileSync(file, damaged);
  const lines: string[] = [];
  const table = await openTable(dir, testSchema, { log: (l) => lines.push(l) });
  assert.deepEqual((await scanAll(table, all)).rows, [...blocks[0]!, ...blocks[2]!]);
  assert.equal(table.stats().corruptBlocks, 1);
  assert.equal(table.stats().tornTails, 0);
  assert.equal(statSync(file).size, bytes.length, 'nothing cut');
  assert.match(lines.join('\n'), new RegExp(`skipping the block at ${starts[1]}: checksum mismatch`));
});

test('a damaged last block is a torn tail: cut', async (t) => {
  const dir = tempDir(t);
  const { file, bytes, blocks, starts } = await threeBlocks(dir);
  const damaged = Buffer.from(bytes);
  damaged[bytes.length - 1]! ^= 0x01;
  writeFileSync(file, damaged);
  const table = await openTable(dir, testSchema, { log: () => {} });
  assert.deepEqual((await scanAll(table, all)).rows, [...blocks[0]!, ...blocks[1]!]);
  assert.equal(statSync(file).size, starts[2]);
});

test('damage found by a scan after the file was indexed skips that block', async (t) => {
  const dir = tempDir(t);
  const { file, bytes, blocks, starts } = await threeBlocks(dir);
  const table = await openTable(dir, testSchema, { log: () => {} });
  assert.equal((await scanAll(table, all)).rows.length, 92);
  const damaged = Buffer.from(bytes);
  damaged[starts[1]! + HEADER_BYTES + 1]! ^= 0xff;
  writeFileSync(file, damaged);
  assert.deepEqual((await scanAll(table, all)).rows, [...blocks[0]!, ...blocks[2]!]);
  assert.equal(table.stats().corruptBlocks, 1);
});

test("the file's first block is the others' dictionary: damaged, they go with it; appends go on self-contained", async (t) => {
  const dir = tempDir(t);
  const { file, bytes, starts } = await threeBlocks(dir);
  const codecs = scanFile(bytes).blocks.map((b) => b.header.codec);
  assert.deepEqual(codecs, [1, 2, 2], 'zstd, then zstd against the first block');
  const damaged = Buffer.from(bytes);
  damaged[starts[0]! + HEADER_BYTES + 1]! ^= 0xff;
  writeFileSync(file, damaged);
  const lines: string[] = [];
  const table = await openTable(dir, testSchema, { log: (l) => lines.push(l) });
  assert.deepEqual(await scanAll(table, all), { rows: [], scanned: 0, chunks: 0 });
  assert.equal(table.stats().corruptBlocks, 3);
  assert.match(lines.join('\n'), /dictionary, is unreadable/);
  const extra = makeRows(4, T0 + 300_000, 1, 5);
  await table.append(toRows(extra));
  assert.deepEqual((await scanAll(table, all)).rows, extra);
  assert.equal(scanFile(readFileSync(file)).blocks.at(-1)!.header.codec, 1);
});

test('read-only: a torn tail is ignored, not cut; appends are refused', async (t) => {
  const dir = tempDir(t);
  const { file, bytes, blocks, starts } = await threeBlocks(dir);
  writeFileSync(file, bytes.subarray(0, bytes.length - 3));
  const table = await openTable(dir, testSchema, { log: () => {} }, { readOnly: true });
  assert.deepEqual((await scanAll(table, all)).rows, [...blocks[0]!, ...blocks[1]!]);
  assert.equal(statSync(file).size, bytes.length - 3);
  assert.ok(starts[2]! < bytes.length - 3);
  await assert.rejects(table.append(toRows(blocks[0]!)), /read-only/);
  const missing = await openTable(
    join(dir, 'nothing-here'),
    testSchema,
    { log: () => {} },
    { readOnly: true },
  );
  assert.deepEqual(await scanAll(missing, all), { rows: [], scanned: 0, chunks: 0 });
});

test('garbage that is not a block at all, in place of a file, reads as empty and is cut', async (t) => {
  const dir = tempDir(t);
  await openTable(dir, testSchema, { log: () => {} });
  const file = join(tableDir(dir, 'probe'), hourFileName(T0));
  writeFileSync(file, Buffer.from('not a table file at all, just some text\n'));
  const table = await openTable(dir, testSchema, { log: () => {} });
  assert.deepEqual(await scanAll(table, all), { rows: [], scanned: 0, chunks: 0 });
  assert.equal(statSync(file).size, 0);
});
