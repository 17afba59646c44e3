import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceChecksum } from '../../../test/helpers/icmp-craft.js';
import { fillPattern, internetChecksum, writeEchoRequest } from './packet.js';

test('the checksum of RFC 1071 section 3 example bytes is the complement of 0xddf2', () => {
  // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (after the end-around carry).
  const bytes = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
  assert.equal(internetChecksum(bytes, 0, bytes.length), ~0xddf2 & 0xffff);
});

test('the checksum agrees with a reference on random data, odd lengths too', () => {
  for (let n = 0; n < 300; n++) {
    const len = Math.floor(Math.random() * 200);
    const bytes = Buffer.alloc(len);
    for (let i = 0; i < len; i++) bytes[i] = Math.floor(Math.random() * 256);
    const ours = internetChecksum(bytes, 0, len);
    assert.equal(ours, referenceChecksum(bytes), `length ${len}`);
  }
});

test('an IPv4 echo request carries id, sequence, token and send time, and its checksum verifies', () => {
  const buf = Buffer.alloc(200);
  fillPattern(buf);
  const len = writeEchoRequest(buf, 4, 0xbeef, 0x1234, 0xdeadbeef, 123456789012345, 56);
  assert.equal(len, 64);
  assert.deepEqual([buf[0], buf[1]], [8, 0]);
  assert.equal(buf.readUInt16BE(4), 0xbeef);
  assert.equal(buf.readUInt16BE(6), 0x1234);
  assert.equal(buf.readUInt32BE(8), 0xdeadbeef);
  assert.equal(buf.readBigUInt64BE(12), 123456789012345n);
  // A correct Internet checksum makes the whole message sum to 0xffff: its checksum is then 0.
  assert.equal(referenceChecksum(buf.subarray(0, len)), 0);
  // The pattern after the header fields: byte i holds i & 0xff.
  assert.equal(buf[63], 63);
});

test('an ICMPv6 echo request leaves the checksum to the kernel, and short payloads drop the time, then the token', () => {
  const buf = Buffer.alloc(100);
  fillPattern(buf);
  assert.equal(writeEchoRequest(buf, 6, 7, 9, 0x01020304, 5, 16), 24);
  assert.deepEqual([buf[0], buf[2], buf[3]], [128, 0, 0]);
  assert.equal(buf.readUInt32BE(8), 0x01020304);
  const small = Buffer.alloc(100);
  fillPattern(small);
  assert.equal(writeEchoRequest(small, 4, 7, 9, 0x01020304, 5, 6), 14);
  assert.equal(small.readUInt32BE(8), 0x01020304);
  assert.deepEqual([small[12], small[13]], [12, 13], 'no room for the time: pattern bytes stay');
  assert.equal(referenceChecksum(small.subarray(0, 14)), 0);
  const empty = Buffer.alloc(100);
  fillPattern(empty);
  assert.equal(writeEchoRequest(empty, 4, 7, 9, 0x01020304, 5, 0), 8);
  assert.equal(referenceChecksum(empty.subarray(0, 8)), 0);
});
