import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, F } from '../../flow/batch.js';
import { Random } from '../../ingest/export/random.js';
import { AppFields } from './app-fields.js';

const numberColumns = ['dns_query_type', 'dns_return_code', 'appl_latency_ms', 'http_status'] as const;
const stringColumns = ['app_protocol', 'dns_query', 'dns_answers', 'http_url'] as const;
const utf8 = new TextDecoder();

/** Random text bytes at a random place of a larger buffer: ASCII, or UTF-8 with a 2-byte character. */
function randomText(rng: Random): { buf: Uint8Array; start: number; end: number } {
  const length = rng.int(4) === 0 ? rng.int(700) : rng.int(40);
  const start = rng.int(8);
  const buf = new Uint8Array(start + length + rng.int(8));
  for (let i = 0; i < buf.length; i++) buf[i] = 0x20 + rng.int(95);
  if (length >= 2 && rng.int(3) === 0) {
    const at = start + rng.int(length - 1);
    buf[at] = 0xc3; // é
    buf[at + 1] = 0xa9;
  }
  return { buf, start, end: start + length };
}

/**
 * The pooled field lists against a reference of one Map per slot (what the fields of a slot's
 * next record must be): random sets, overwrites, drops and writes over a few slots, from a pool
 * of one entry so that it grows while values are being set.
 */
test('AppFields keeps each slot its own last value per column, across pool growth and reuse', () => {
  const rng = new Random(7);
  const slots = 6;
  const batch = createFlowBatch(16);
  let fields = new AppFields(slots, 1);
  let reference = Array.from({ length: slots }, () => new Map<number, string | number>());
  for (let step = 0; step < 100_000; step++) {
    if (step % 40 === 0) {
      // A new table often: the pool grows (1, 2, 4… entries) while values are being set.
      fields = new AppFields(slots, 1);
      reference = Array.from({ length: slots }, () => new Map<number, string | number>());
    }
    const s = rng.int(slots);
    const op = rng.int(10);
    fields.slot = s;
    if (op < 4) {
      const column = numberColumns[rng.int(numberColumns.length)]!;
      const value = rng.int(256); // every column here holds a byte
      fields.setNumber(column, value);
      reference[s]!.set(F[column], value);
    } else if (op < 6) {
      const column = stringColumns[rng.int(stringColumns.length)]!;
      const value = `v${rng.int(100)}`;
      fields.setString(column, value);
      reference[s]!.set(F[column], value);
    } else if (op < 8) {
      // As bytes: kept in the arena's blocks (reused as values are written, replaced and dropped).
      const column = stringColumns[rng.int(stringColumns.length)]!;
      const { buf, start, end } = randomText(rng);
      fields.setText(column, buf, start, end);
      reference[s]!.set(F[column], utf8.decode(buf.subarray(start, end)));
    } else if (op === 8 && rng.int(4) === 0) {
      fields.drop(s);
      reference[s]!.clear();
    } else {
      batch.clear();
      batch.reserve(1);
      fields.write(s, batch, 0);
      batch.length = 1;
      for (const column of [...numberColumns, ...stringColumns]) {
        const want = reference[s]!.get(F[column]) ?? (stringColumns.includes(column as never) ? '' : 0);
        const got = typeof want === 'string' ? batch.getString(column, 0) : batch.arrays[F[column]]![0];
        assert.equal(got, want, `step ${step}, slot ${s}, ${column}`);
      }
      reference[s]!.clear();
    }
    assert.equal(fields.hasAny(s), reference[s]!.size > 0);
    assert.equal(fields.has(s, F.app_protocol), reference[s]!.has(F.app_protocol));
  }
});

test('AppFields refuses values its column cannot hold, and names that are not host columns', () => {
  const fields = new AppFields(2);
  fields.slot = 1;
  fields.setNumber('dns_query_type', 70_000); // u16
  fields.setNumber('http_status', -1);
  fields.setNumber('http_status', 1.5);
  fields.setString('http_status', 'x');
  fields.setString('src_addr', 'x');
  fields.setText('http_status', new Uint8Array(1), 0, 1);
  fields.setAddress('dhcp_ciaddr', new Uint8Array(3), 0, 4);
  assert.equal(fields.errors, 7);
  assert.equal(fields.hasAny(1), false);
});
