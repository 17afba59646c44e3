import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyCursor, FrameReader, type ProtocolError } from './frame-reader.js';

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

test('messages split at every byte boundary come out whole and in order', () => {
  const stream = Buffer.concat([
    message('Q', Buffer.from('select 1\0')),
    message('S', Buffer.alloc(0)),
    message('X', Buffer.alloc(0)),
  ]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader(1 << 20, 10_000);
    const got: string[] = [];
    for (const part of [stream.subarray(0, cut), stream.subarray(cut)]) {
      reader.push(part);
      for (let f = reader.next(false); f !== undefined; f = reader.next(false))
        got.push(`${String.fromCharCode(f.type)}:${f.body.toString('latin1')}`);
    }
    assert.deepEqual(got, ['Q:select 1\0', 'S:', 'X:'], `cut at ${cut}`);
    assert.equal(reader.buffered, 0);
  }
});

test('a large message grows the buffer; lengths past the bound or below 4 are fatal', () => {
  const reader = new FrameReader(100_000, 10_000);
  const big = Buffer.alloc(50_000, 0x61);
  reader.push(message('Q', big));
  assert.equal(reader.next(false)?.body.length, 50_000);
  const tooBig = new FrameReader(1000, 10_000);
  tooBig.push(Buffer.from([0x51, 0, 0, 0x10, 0]));
  assert.throws(
    () => tooBig.next(false),
    (err: ProtocolError) => err.fatal && /longer than the limit/.test(err.message),
  );
  const tooSmall = new FrameReader(1000, 10_000);
  tooSmall.push(Buffer.from([0, 0, 0, 3]));
  assert.throws(
    () => tooSmall.next(true),
    (err: ProtocolError) => err.fatal,
  );
});

test('BodyCursor reads fields and refuses to run past the end (not fatal)', () => {
  const c = new BodyCursor(Buffer.from([0, 2, 0x61, 0, 0, 0, 0, 7]));
  assert.equal(c.int16(), 2);
  assert.equal(c.cstr(), 'a');
  assert.equal(c.int32(), 7);
  assert.throws(
    () => c.int16(),
    (err: ProtocolError) => !err.fatal,
  );
  assert.throws(() => new BodyCursor(Buffer.from('abc')).cstr(), /NUL/);
});
