import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpWindowScale } from './options.js';

/** A TCP header of 20 bytes (zeros, data offset from the options) followed by `options`. */
function header(options: number[]): Uint8Array {
  const padded = [...options];
  while (padded.length % 4 !== 0) padded.push(0);
  const h = new Uint8Array(20 + padded.length);
  h[12] = ((20 + padded.length) / 4) << 4;
  h.set(padded, 20);
  return h;
}

const MSS = [2, 4, 0x05, 0xb4];
const SACK_OK = [4, 2];

test('window scale found among other options', () => {
  const h = header([...MSS, ...SACK_OK, 1, 3, 3, 7]);
  assert.equal(tcpWindowScale(h, 0, h.length), 7);
});

test('no window-scale option: -1', () => {
  const h = header([...MSS, 1, 1, ...SACK_OK]);
  assert.equal(tcpWindowScale(h, 0, h.length), -1);
  assert.equal(tcpWindowScale(new Uint8Array(20), 0, 20), -1);
});

test('a shift above 14 counts as 14 (RFC 7323 2.3)', () => {
  const h = header([3, 3, 20]);
  assert.equal(tcpWindowScale(h, 0, h.length), 14);
});

test('EOL ends the list: a window scale after it is not read', () => {
  const h = header([0, 3, 3, 7]);
  assert.equal(tcpWindowScale(h, 0, h.length), -1);
});

test('a malformed option stops the walk; a window scale of the wrong length is ignored', () => {
  // Length 1 is below the 2 bytes of kind and length: the rest cannot be framed.
  let h = header([2, 1, 3, 3, 7]);
  assert.equal(tcpWindowScale(h, 0, h.length), -1);
  // MSS claims 40 bytes, past the end of the header.
  h = header([2, 40, 0, 0, 3, 3, 7]);
  assert.equal(tcpWindowScale(h, 0, h.length), -1);
  // A window-scale option must be 3 bytes long.
  h = header([3, 4, 7, 0]);
  assert.equal(tcpWindowScale(h, 0, h.length), -1);
});

test('options read at an offset, and never past the buffer', () => {
  const h = header([1, 3, 3, 9]);
  const buf = new Uint8Array(100);
  buf.set(h, 30);
  assert.equal(tcpWindowScale(buf, 30, 30 + h.length), 9);
  // A header end beyond the buffer (a corrupt length) reads nothing past it.
  const cut = h.slice(0, 23);
  assert.equal(tcpWindowScale(cut, 0, 60), -1);
});
