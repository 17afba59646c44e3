import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { Value } from '../../query/api.js';
import { pgType } from '../../query/compat/pg-types.js';
import { binaryParamToText } from './binary-in.js';
import { writeBinary } from './binary-out.js';
import { WireWriter } from './wire-writer.js';

/** The bytes writeBinary produces for one value, without the int32 length in front. */
function encode(value: Exclude<Value, null>, type: string): Buffer {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const w = new WireWriter(out);
  writeBinary(w, value, pgType(type));
  w.flush();
  const all = Buffer.concat(chunks);
  assert.equal(all.readInt32BE(0), all.length - 4, 'length prefix');
  return all.subarray(4);
}

test('inet: family, bits, is_cidr, address length, address (PostgreSQL inet_send)', () => {
  // AF_INET is 2 and PGSQL_AF_INET6 is 3 in PostgreSQL's utils/inet.h.
  assert.deepEqual([...encode('10.1.2.3', 'inet')], [2, 32, 0, 4, 10, 1, 2, 3]);
  assert.deepEqual([...encode('10.0.0.0/8', 'cidr')], [2, 8, 1, 4, 10, 0, 0, 0]);
  const v6 = encode('2001:db8::ffff:1.2.3.4', 'inet');
  assert.deepEqual([...v6.subarray(0, 4)], [3, 128, 0, 16]);
  assert.equal(v6.subarray(4).toString('hex'), '20010db8000000000000ffff01020304');
});

test('numeric: base-10000 digits with weight, sign and display scale (numeric_send)', () => {
  const n = encode(12345678901234567890n, 'numeric');
  // 1234 5678 9012 3456 7890: five digits, the first worth 10000^4.
  assert.deepEqual([n.readInt16BE(0), n.readInt16BE(2), n.readUInt16BE(4), n.readInt16BE(6)], [5, 4, 0, 0]);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((i) => n.readInt16BE(2 * i + 6)),
    [1234, 5678, 9012, 3456, 7890],
  );
  const small = encode(-1.25e-7, 'numeric');
  // 0.0000 0012 5000: two digits from 10000^-2, negative (0x4000), 9 decimal places.
  assert.deepEqual(
    [small.readInt16BE(0), small.readInt16BE(2), small.readUInt16BE(4), small.readInt16BE(6)],
    [2, -2, 0x4000, 9],
  );
  assert.deepEqual([small.readInt16BE(8), small.readInt16BE(10)], [12, 5000]);
});

test('timestamptz and interval: microseconds from 2000-01-01, and (time, days, months)', () => {
  assert.equal(encode(Date.UTC(2000, 0, 1, 0, 0, 1, 500), 'timestamptz').readBigInt64BE(0), 1_500_000n);
  const iv = encode(86_400_000 + 3_600_000, 'interval');
  assert.deepEqual([iv.readBigInt64BE(0), iv.readInt32BE(8), iv.readInt32BE(12)], [3_600_000_000n, 1, 0]);
});

test('binary parameters decode to the text PostgreSQL would print', () => {
  const round = (value: Exclude<Value, null>, type: string) =>
    binaryParamToText(encode(value, type), pgType(type).oid, 0);
  assert.equal(round(true, 'bool'), 't');
  assert.equal(round(-7, 'int2'), '-7');
  assert.equal(round(70000, 'int4'), '70000');
  assert.equal(round(2n ** 62n, 'int8'), String(2n ** 62n));
  assert.equal(round(0.1, 'float8'), '0.1');
  assert.equal(round('héllo', 'text'), 'héllo');
  assert.equal(round(Date.UTC(2026, 10, 21, 10, 5, 0, 123), 'timestamptz'), '2026-11-21 10:05:00.123+00');
  assert.equal(round('12345678901234567890', 'numeric'), '12345678901234567890');
  assert.equal(round('-0.000000125', 'numeric'), '-0.000000125');
  assert.equal(round('10.1.2.3', 'inet'), '10.1.2.3');
  assert.equal(round('2001:db8::1', 'inet'), '2001:db8::1');
  assert.equal(round('10.0.0.0/8', 'cidr'), '10.0.0.0/8');
  assert.throws(
    () => binaryParamToText(Buffer.from([1, 2, 3]), 23, 0),
    /incorrect binary data format in bind parameter 1/,
  );
  assert.throws(() => binaryParamToText(Buffer.alloc(16), 2950, 1), /not supported/);
});
