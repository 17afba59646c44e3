import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import { assertSameRows, cell, randomFlowBatch } from '../../../test/helpers/flow-batches.js';
import { createFlowBatch, F } from '../../flow/batch.js';
import { decodeFlowBatch, readBatchHeader } from './batch-decode.js';
import { FlowBatchEncoder, newSessionId } from './batch-encode.js';
import { BatchFormatError, batchErrorCodes, HEADER_BYTES, typeCodes } from './batch-format.js';

const encoder = new FlowBatchEncoder();

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BatchFormatError, `a BatchFormatError, not ${(err as Error).stack}`);
    assert.ok(batchErrorCodes.includes(err.code));
    return err.code;
  }
  return 'accepted';
}

test('random batches of every column type survive encode → decode, compressed or not', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rows = seed === 1 ? 0 : seed === 2 ? 1 : (seed * 97) % 700;
    const input = randomFlowBatch(seed, rows, seed % 3 === 0 ? 300 : 40);
    const session = newSessionId();
    const body = encoder.encode(input, { session, seq: seed * 1_000_003, level: seed % 4 === 0 ? 0 : 3 });
    const { header, batch, unknownColumns } = decodeFlowBatch(body);
    assert.equal(header.session, session);
    assert.equal(header.seq, seed * 1_000_003);
    assert.equal(header.rows, rows);
    assert.deepEqual(unknownColumns, []);
    assertSameRows(batch, input);
  }
});

test('string codes of 1, 2 and 4 bytes: 200, 60 000 and 70 000 distinct values', () => {
  for (const distinct of [200, 60_000, 70_000]) {
    const input = createFlowBatch(distinct);
    input.length = distinct;
    for (let r = 0; r < distinct; r++) input.setString('dns_query', r, r === 0 ? '' : `q${r}.example`);
    const body = encoder.encode(input);
    assertSameRows(decodeFlowBatch(body).batch, input);
  }
});

test('a row range, and i_start_time filled where it is zero', () => {
  const input = randomFlowBatch(7, 300);
  const times = input.arrays[F.i_start_time]!;
  for (let r = 0; r < 300; r += 3) times[r] = 0;
  const fill = 1_700_000_040_000;
  const { batch } = decodeFlowBatch(encoder.encode(input, { from: 100, to: 250, startTime: fill }));
  const expected = randomFlowBatch(7, 300);
  const et = expected.arrays[F.i_start_time]!;
  for (let r = 0; r < 300; r++) if (r % 3 === 0 || et[r] === 0) et[r] = fill;
  assertSameRows(batch, expected, 100, 150);
});

test('the dictionary carries only the values the encoded rows use', () => {
  const input = createFlowBatch(4);
  input.length = 4;
  for (let r = 0; r < 4; r++) input.setString('http_host', r, `host-${r}-${'x'.repeat(1000)}`);
  const one = encoder.encode(input, { from: 2, to: 3, level: 0 });
  assert.ok(one.length < 1200, `${one.length} bytes for one 1 kB value`);
  assert.equal(cell(decodeFlowBatch(one).batch, F.http_host, 0), `host-2-${'x'.repeat(1000)}`);
});

test('every truncation and every single-bit flip is refused with a stable code, or changes nothing', () => {
  const input = randomFlowBatch(3, 40);
  const body = encoder.encode(input, { session: newSessionId(), seq: 9 });
  for (let n = 0; n < body.length; n++)
    assert.notEqual(
      codeOf(() => decodeFlowBatch(body.subarray(0, n))),
      'accepted',
    );
  const codes = new Set<string>();
  for (let i = 0; i < body.length; i++)
    for (let bit = 0; bit < 8; bit++) {
      const bad = Buffer.from(body);
      bad[i]! ^= 1 << bit;
      const code = codeOf(() => decodeFlowBatch(bad));
      codes.add(code);
      if (code !== 'accepted') continue;
      // zstd ignores a few bits of its frame header (the unused bit): the same payload comes out.
      assert.ok(i >= HEADER_BYTES, `flip of bit ${bit} of header byte ${i} accepted`);
      assertSameRows(decodeFlowBatch(bad).batch, input);
    }
  for (const expected of [
    'batch_bad_magic',
    'batch_unsupported_version',
    'batch_bad_flags',
    'batch_checksum',
  ])
    assert.ok(codes.has(expected), `${expected} among ${[...codes]}`);
  assert.equal(
    codeOf(() => decodeFlowBatch(Buffer.concat([body, Buffer.from([0])]))),
    'batch_bad_length',
  );
  assert.equal(
    codeOf(() => decodeFlowBatch(Buffer.from('{"src_addr":"192.0.2.1"}\n'))),
    'batch_bad_magic',
  );
});

/** A hand-built payload, framed with a correct header and checksum (uncompressed). */
class Payload {
  private parts: Buffer[] = [];
  private count = 0;

  column(name: string, type: keyof typeof typeCodes | number, data: Buffer, width = 0): this {
    const head = Buffer.alloc(1 + name.length + 8);
    head[0] = name.length;
    head.write(name, 1, 'latin1');
    head[1 + name.length] = typeof type === 'number' ? type : typeCodes[type];
    head[2 + name.length] = width;
    head.writeUInt32LE(data.length, 4 + name.length + 1);
    this.parts.push(head, data);
    this.count++;
    return this;
  }

  frame(rows: number, compress = false): Buffer {
    const count = Buffer.alloc(2);
    count.writeUInt16LE(this.count);
    const raw = Buffer.concat([count, ...this.parts]);
    let stored: Uint8Array = raw;
    if (compress) {
      const out = new Uint8Array(zstd.compressBound(raw.length));
      stored = out.subarray(0, new zstd.CCtx().compress(out, raw, 3));
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header.write('FLWB', 0, 'latin1');
    header.writeUInt16LE(1, 4);
    header.writeUInt16LE(compress ? 1 : 0, 6);
    header.writeUInt32LE(HEADER_BYTES, 8);
    header.writeUInt32LE(rows, 32);
    header.writeUInt32LE(raw.length, 36);
    header.writeUInt32LE(stored.length, 40);
    header.writeUInt32LE(crc32(raw, crc32(header.subarray(16))), 12);
    return Buffer.concat([header, stored]);
  }
}

const u32s = (...v: number[]) => Buffer.from(new Uint32Array(v).buffer);
const f64s = (...v: number[]) => Buffer.from(new Float64Array(v).buffer);
const strings = (values: string[], codes: number[]) =>
  Buffer.concat([
    u32s(values.length, ...values.map((v) => Buffer.byteLength(v))),
    Buffer.from(values.join('')),
    Buffer.from(codes),
  ]);

test('hand-built payloads: unknown columns skipped, narrow integers widened, bad ones refused', () => {
  const good = new Payload()
    .column('src_as', 'u32', u32s(64500, 7))
    .column('a_future_column', 'u32', u32s(1, 2))
    .column('some_new_type', 99, Buffer.from('xyz'))
    .column('dst_as', 'u16', Buffer.from(new Uint16Array([65000, 3]).buffer))
    .column('dns_query', 'string', strings(['', 'example.org'], [1, 0]), 1)
    .frame(2, true);
  const { batch, unknownColumns } = decodeFlowBatch(good);
  assert.deepEqual(unknownColumns, ['a_future_column', 'some_new_type']);
  assert.deepEqual([...batch.arrays[F.src_as]!.subarray(0, 2)], [64500, 7]);
  assert.deepEqual([...batch.arrays[F.dst_as]!.subarray(0, 2)], [65000, 3]);
  assert.deepEqual([cell(batch, F.dns_query, 0), cell(batch, F.dns_query, 1)], ['example.org', '']);

  const refused: [string, Buffer][] = [
    [
      'batch_bad_column',
      new Payload().column('src_as', 'u32', u32s(1)).column('src_as', 'u32', u32s(1)).frame(1),
    ],
    ['batch_bad_column', new Payload().column('dns_query', 'u32', u32s(1)).frame(1)],
    ['batch_bad_column', new Payload().column('src_as', 'string', strings([''], [0]), 1).frame(1)],
    ['batch_bad_column', new Payload().column('src_as', 'u64', f64s(1)).frame(1)],
    ['batch_bad_column', new Payload().column('src_as', 99, u32s(1)).frame(1)],
    ['batch_bad_column', new Payload().column('Bad-Name', 'u32', u32s(1)).frame(1)],
    ['batch_bad_column', new Payload().column('dns_query', 'string', strings([''], [0]), 3).frame(1)],
    ['batch_bad_length', new Payload().column('src_as', 'u32', u32s(1, 2, 3)).frame(2)],
    ['batch_bad_length', new Payload().column('dst_as', 'u16', u32s(1, 2)).frame(2)],
    ['batch_bad_length', new Payload().column('dns_query', 'string', strings([''], [0, 0, 0]), 1).frame(2)],
    ['batch_bad_length', new Payload().column('dns_query', 'string', u32s(9, 1), 1).frame(1)],
    ['batch_bad_value', new Payload().column('in_bytes', 'u64', f64s(Number.NaN)).frame(1)],
    ['batch_bad_value', new Payload().column('in_bytes', 'u64', f64s(-1)).frame(1)],
    ['batch_bad_value', new Payload().column('in_bytes', 'u64', f64s(1.5)).frame(1)],
    ['batch_bad_value', new Payload().column('in_bytes', 'u64', f64s(2 ** 53 + 2)).frame(1)],
    ['batch_bad_value', new Payload().column('src_eth_mac', 'mac', f64s(2 ** 48)).frame(1)],
    ['batch_bad_value', new Payload().column('dns_query', 'string', strings(['', 'a'], [2]), 1).frame(1)],
    ['batch_bad_value', new Payload().column('dns_query', 'string', strings(['x', 'a'], [1]), 1).frame(1)],
    [
      'batch_bad_value',
      new Payload()
        .column(
          'dns_query',
          'string',
          Buffer.concat([u32s(2, 0, 2), Buffer.from([0xc3, 0x28]), Buffer.from([1])]),
          1,
        )
        .frame(1),
    ],
  ];
  for (const [code, body] of refused)
    assert.equal(
      codeOf(() => decodeFlowBatch(body)),
      code,
    );
});

test('limits: rows and uncompressed size are checked before anything is allocated', () => {
  const body = new Payload().frame(4_000_000_000);
  assert.equal(readBatchHeader(body).rows, 4_000_000_000);
  assert.equal(
    codeOf(() => decodeFlowBatch(body)),
    'batch_too_large',
  );
  const big = encoder.encode(randomFlowBatch(5, 100));
  assert.equal(
    codeOf(() => decodeFlowBatch(big, { maxRawBytes: 100 })),
    'batch_too_large',
  );
  assert.equal(
    codeOf(() => decodeFlowBatch(big, { maxRows: 99 })),
    'batch_too_large',
  );
  assert.equal(
    codeOf(() => decodeFlowBatch(big, { maxRows: 100 })),
    'accepted',
  );
});
