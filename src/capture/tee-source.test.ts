import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { StreamSource } from './source.js';
import { TeeSource } from './tee-source.js';

test('the file gets every byte read, in order, however the reads are cut', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-tee-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
  const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 4097), bytes.subarray(4097)];
  const path = join(dir, 'saved.pcap');
  const tee = new TeeSource(new StreamSource(Readable.from(chunks)), openSync(path, 'w'), () => {
    throw new Error('no write fails here');
  });
  const into = new Uint8Array(3000);
  const read: number[] = [];
  for (let n = await tee.read(into, 5, 2995); n > 0; n = await tee.read(into, 5, 2995))
    read.push(...into.subarray(5, 5 + n));
  await tee.close();
  assert.deepEqual(Uint8Array.from(read), bytes);
  assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
});

test('a failing write stops saving, is reported once, and the reads go on', async () => {
  const errors: string[] = [];
  // /dev/full fails every write with ENOSPC, as a full disk does.
  const tee = new TeeSource(
    new StreamSource(Readable.from([Buffer.from('abc'), Buffer.from('def')])),
    openSync('/dev/full', 'w'),
    (err) => errors.push((err as NodeJS.ErrnoException).code ?? err.message),
  );
  const into = new Uint8Array(16);
  assert.equal(await tee.read(into, 0, 16), 3);
  assert.equal(await tee.read(into, 3, 13), 3);
  assert.equal(Buffer.from(into.subarray(0, 6)).toString(), 'abcdef');
  assert.equal(await tee.read(into, 6, 10), 0);
  await tee.close();
  assert.deepEqual(errors, ['ENOSPC']);
});
