import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IpfixFramer } from './ipfix-framer.js';

/** An IPFIX message of `length` bytes whose body bytes all equal `fill`. */
function ipfixMessage(length: number, fill: number): Buffer {
  const buf = Buffer.alloc(length, fill);
  buf.writeUInt16BE(10, 0);
  buf.writeUInt16BE(length, 2);
  return buf;
}

function framed(chunks: Buffer[]): { messages: Buffer[]; error: string | undefined } {
  const messages: Buffer[] = [];
  const framer = new IpfixFramer((m) => messages.push(Buffer.from(m)));
  let error: string | undefined;
  for (const chunk of chunks) {
    error = framer.push(chunk);
    if (error !== undefined) break;
  }
  return { messages, error };
}

const a = ipfixMessage(40, 0xaa);
const b = ipfixMessage(16, 0xbb);
const c = ipfixMessage(1500, 0xcc);
const stream = Buffer.concat([a, b, c]);

test('coalesced messages in one chunk are split by the length field', () => {
  const { messages, error } = framed([stream]);
  assert.equal(error, undefined);
  assert.deepEqual(messages, [a, b, c]);
});

test('messages split at every possible point are reassembled', () => {
  for (let cut = 1; cut < stream.length; cut += 7) {
    const { messages } = framed([stream.subarray(0, cut), stream.subarray(cut)]);
    assert.deepEqual(messages, [a, b, c], `cut at ${cut}`);
  }
  const bytes = [...stream].map((byte) => Buffer.from([byte]));
  assert.deepEqual(framed(bytes).messages, [a, b, c], 'one byte at a time');
});

test('a length below the header size or a wrong version is a framing error', () => {
  const short = ipfixMessage(16, 0);
  short.writeUInt16BE(15, 2);
  assert.deepEqual(framed([a, short]), { messages: [a], error: 'bad_length' });
  const zero = ipfixMessage(16, 0);
  zero.writeUInt16BE(0, 2);
  assert.equal(framed([zero.subarray(0, 3), zero.subarray(3)]).error, 'bad_length');
  const v9 = ipfixMessage(20, 0);
  v9.writeUInt16BE(9, 0);
  assert.equal(framed([v9]).error, 'bad_version');
});
