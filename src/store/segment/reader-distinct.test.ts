import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repoRoot } from '../../../test/helpers/paths.js';
import type { JobColumns } from '../backend.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { openSegment } from './index.js';
import { columnCells, writeConversationSegment } from './test-support.js';
import { fixtureSchema } from './v2-fixture.js';

const addrs = ['src_addr', 'dst_addr'];
const hex = (bytes: Uint8Array, i: number) =>
  Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');

/** The set of a rows-form address column's values. */
function rowSet(job: JobColumns, name: string): Set<string> {
  const rows = job.columns[name] as Uint8Array;
  return new Set(Array.from({ length: job.rows }, (_, i) => hex(rows, i)));
}

test('src_addr and dst_addr in the shared dictionary come as their distinct values: the set of the rows', () => {
  const reader = openSegment(writeConversationSegment(3000));
  const buffers = new ReadBuffers();
  try {
    for (let p = 0; p < reader.meta.parts.length; p++) {
      assert.ok(
        reader.meta.parts[p]!.leaders < reader.meta.parts[p]!.rows,
        "repeats: only the leaders' indexes are decoded",
      );
      const rows = reader.readPart(p, [...addrs, 'in_bytes']);
      for (const allocate of [undefined, buffers.allocate]) {
        for (const asked of [addrs, ['src_addr'], ['dst_addr']]) {
          const got = reader.readPart(p, [...addrs, 'in_bytes'], allocate, {
            distinct: asked,
            addressDicts: addrs,
          });
          for (const name of addrs) {
            const set = got.distinct?.[name];
            if (!asked.includes(name)) {
              assert.equal(set, undefined, `${name} not asked`);
              assert.ok(got.addressDicts?.[name] !== undefined, `${name} in dictionary form as asked`);
              continue;
            }
            assert.ok(set !== undefined, `${name} in distinct form`);
            assert.equal(got.columns[name], undefined);
            assert.equal(got.addressDicts?.[name], undefined);
            const values = Array.from({ length: set.size }, (_, e) => hex(set.entries, e));
            assert.equal(new Set(values).size, set.size, `${name}: each value once`);
            assert.deepEqual(new Set(values), rowSet(rows, name), `${name}: the set of the rows form`);
          }
          assert.deepEqual(columnCells(got, ['in_bytes']), columnCells(rows, ['in_bytes']));
        }
      }
    }
  } finally {
    reader.close();
  }
});

test('version 2 and 3 segments (no dictionaries) return address rows when asked for distinct values', () => {
  const fixtureNames = fixtureSchema.map((c) => c.name);
  const fixtureAddrs = fixtureSchema.filter((c) => c.type === 'addr').map((c) => c.name);
  for (const file of ['v2-small.seg', 'v3-small.seg']) {
    const reader = openSegment(`${repoRoot}src/store/segment/testdata/${file}`);
    try {
      for (let p = 0; p < reader.meta.parts.length; p++) {
        const asked = reader.readPart(p, fixtureNames, undefined, { distinct: fixtureAddrs });
        assert.equal(asked.distinct, undefined, file);
        assert.deepEqual(
          columnCells(asked, fixtureNames),
          columnCells(reader.readPart(p, fixtureNames), fixtureNames),
        );
      }
    } finally {
      reader.close();
    }
  }
});
