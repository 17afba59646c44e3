import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter, DecodeError } from '../encoding/byte-io.js';
import { decodeInts } from '../encoding/int-decode.js';
import { IntEncoder } from '../encoding/int-encode.js';
import { INT_DICT } from '../encoding/int-format.js';
import { decodeTableCodes } from './keyed-codes.js';

/** An integer block of `values` as the segment writer encodes a keyed table (v4 options on or off). */
function block(values: Float64Array, packBits: boolean): Uint8Array {
  const enc = new IntEncoder();
  enc.packBits = packBits;
  const out = new ByteWriter();
  enc.encode(values, values.length, out, true);
  return out.bytes.slice(0, out.length);
}

/** An AS table: 4 000 address entries over 300 AS numbers spread over the 32-bit range. */
function asTable(seed: number): Float64Array {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s;
  };
  const pool = Array.from({ length: 300 }, () => next());
  return Float64Array.from({ length: 4000 }, () => pool[next() % 300]!);
}

test('a dictionary-coded table gives each entry a code into its distinct values', () => {
  for (const packBits of [false, true]) {
    const values = asTable(packBits ? 7 : 3);
    const bytes = block(values, packBits);
    const codes = new Uint32Array(values.length);
    const r = new ByteReader(bytes);
    const distinct = decodeTableCodes(r, codes);
    if (bytes[0] !== INT_DICT) {
      // Another form (the encoder chose it): nothing read, and the values decode as before.
      assert.equal(distinct, undefined);
      assert.equal(r.pos, 0);
      continue;
    }
    assert.ok(distinct !== undefined, `packBits ${packBits}`);
    assert.equal(r.pos, bytes.length);
    assert.equal(new Set(distinct).size, distinct.length);
    // The oracle: the block decoded to values the ordinary way.
    const plain = new Float64Array(values.length);
    decodeInts(new ByteReader(bytes), plain);
    assert.deepEqual(plain, values);
    assert.deepEqual(
      Float64Array.from(codes, (c) => distinct[c]!),
      values,
      `packBits ${packBits}`,
    );
  }
});

test('a table of another form is left to the caller, the reader where it was', () => {
  // Consecutive numbers: a frame of reference, not a dictionary.
  const bytes = block(
    Float64Array.from({ length: 1000 }, (_, i) => 100 + i),
    false,
  );
  assert.notEqual(bytes[0], INT_DICT);
  const r = new ByteReader(bytes);
  assert.equal(decodeTableCodes(r, new Uint32Array(1000)), undefined);
  assert.equal(r.pos, 0);
});

test('a code past the dictionary is a decode error', () => {
  const values = asTable(11);
  const bytes = block(values, false);
  assert.equal(bytes[0], INT_DICT, 'the encoder chose a dictionary for this table');
  // Plain 2-byte codes end the block: make the last one 0xffff, past the 300 values.
  assert.equal(bytes[1], 2);
  bytes[bytes.length - 1] = 0xff;
  bytes[bytes.length - 2] = 0xff;
  assert.throws(() => decodeTableCodes(new ByteReader(bytes), new Uint32Array(values.length)), DecodeError);
});
