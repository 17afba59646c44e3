import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeError } from './byte-io.js';
import { BlockCompressor, BlockDecompressor, CODEC_NONE, CODEC_SPLIT } from './compress.js';

test('split blocks: the head compressed, the tail as it is, and back', () => {
  const raw = new Uint8Array(4000);
  for (let i = 0; i < 1000; i++) raw[i] = i % 7; // compressible head
  for (let i = 1000; i < 4000; i++) raw[i] = (i * 2654435761) >>> 24; // packed-looking tail
  const { codec, stored } = new BlockCompressor(3).compressSplit(raw, 1000);
  assert.equal(codec, CODEC_SPLIT);
  assert.ok(stored.length < 3100 && stored.length > 3000, `${stored.length}`);
  assert.deepEqual(stored.subarray(stored.length - 3000), raw.subarray(1000));
  const back = new Uint8Array(4000);
  new BlockDecompressor().decompress(codec, stored.slice(), back);
  assert.deepEqual(back, raw);
  // A head too small to compress: stored as it is.
  assert.equal(new BlockCompressor(3).compressSplit(raw, 8).codec, CODEC_NONE);
});

test('damaged split blocks throw DecodeError', () => {
  const raw = new Uint8Array(2000).map((_, i) => (i < 500 ? i % 3 : i * 31));
  const { stored } = new BlockCompressor(3).compressSplit(raw, 500);
  const out = new Uint8Array(2000);
  const d = new BlockDecompressor();
  for (const bad of [
    stored.subarray(0, 3),
    Uint8Array.from([255, 255, 255, 255, ...stored.subarray(4)]),
    Uint8Array.from([0, 0, 0, 0, ...stored.subarray(4)]),
    stored.subarray(0, stored.length - 1),
  ]) {
    assert.throws(() => d.decompress(CODEC_SPLIT, bad, out), DecodeError);
  }
});
