import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageStream } from '../src/capture/message-stream.js';

/** An IPFIX-shaped message: version 10, its length, then filler bytes numbered by `id`. */
function message(id: number, length: number): Uint8Array {
  const m = new Uint8Array(length).fill(id);
  m[0] = 0;
  m[1] = 10;
  m[2] = length >> 8;
  m[3] = length & 0xff;
  return m;
}

function collector() {
  const got: number[][] = [];
  return {
    got,
    push: (s: MessageStream, seq: number, data: Uint8Array) =>
      s.push(seq, data, 0, data.length, (b, o, n) => got.push([b[o + 4]!, n])),
  };
}

test('messages split across segments and several per segment', () => {
  const stream = Buffer.concat([message(1, 20), message(2, 100), message(3, 16)]);
  const s = new MessageStream();
  const c = collector();
  s.syn(99);
  for (const [from, to] of [
    [0, 1],
    [1, 30],
    [30, 136],
  ]) {
    assert.equal(c.push(s, 100 + from!, stream.subarray(from, to)), undefined);
  }
  assert.deepEqual(c.got, [
    [1, 20],
    [2, 100],
    [3, 16],
  ]);
});

test('a stream that is not IPFIX is reported once and then ignored', () => {
  const s = new MessageStream();
  const c = collector();
  assert.equal(c.push(s, 1, Buffer.from('GET / HTTP/1.1\r\n')), 'not_ipfix');
  assert.equal(c.push(s, 17, message(1, 20)), 'not_ipfix');
  assert.deepEqual(c.got, []);
});

test('a gap too long to hold drops the buffered bytes and resyncs at a message start', () => {
  const s = new MessageStream();
  const c = collector();
  s.syn(0);
  assert.equal(c.push(s, 1, message(1, 40).subarray(0, 10)), undefined);
  let problem: string | undefined;
  for (let i = 0; i < 70 && problem === undefined; i++) problem = c.push(s, 1000 + i * 50, message(9, 20));
  assert.equal(problem, 'gap');
  assert.equal(c.push(s, 5000, message(9, 20).subarray(4)), undefined, 'not a message start: skipped');
  assert.equal(c.push(s, 6000, message(5, 20)), undefined);
  assert.deepEqual(c.got, [[5, 20]]);
});

test('an impossible message header is reported and the stream resyncs', () => {
  const s = new MessageStream();
  const c = collector();
  s.syn(0);
  const bad = message(1, 20);
  bad[3] = 8; // length below the 16-byte header
  assert.equal(c.push(s, 1, Buffer.concat([message(7, 20), bad])), 'bad_message');
  assert.equal(c.push(s, 41, message(8, 24)), undefined);
  assert.deepEqual(c.got, [
    [7, 20],
    [8, 24],
  ]);
});
