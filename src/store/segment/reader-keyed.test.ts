import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { expandAddressDicts } from '../../../test/helpers/address-dicts.js';
import { expandKeyed } from '../../../test/helpers/keyed-columns.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { conversationSchema } from './conversation-support.js';
import { openSegment } from './index.js';
import { assertEveryByteFlipDetected, columnCells, writeConversationSegment } from './test-support.js';
import { fixtureSchema } from './v2-fixture.js';

const names = conversationSchema.map((c) => c.name);
const addrs = conversationSchema.filter((c) => c.type === 'addr').map((c) => c.name);
const keyedNames = ['src_as', 'dst_as', 'src_route_length', 'dst_route_length'];

test('keyed columns come as a table per key index (or per code) that expands to the rows form', () => {
  const reader = openSegment(writeConversationSegment(3000));
  const buffers = new ReadBuffers();
  try {
    for (let p = 0; p < reader.meta.parts.length; p++) {
      const meta = reader.meta.parts[p]!;
      const storedKeyed = keyedNames.filter((n) =>
        meta.columns.find((c) => c.name === n)!.encoding.startsWith('keyed'),
      );
      assert.ok(storedKeyed.length >= 2, `part ${p} stores keyed columns (${storedKeyed})`);
      const rowsForm = reader.readPart(p, names);
      const withoutKeys = names.filter((n) => !addrs.includes(n));
      for (const columns of [names, withoutKeys, ['dst_route_length'], ['dst_as', 'src_as']]) {
        for (const dictsAsked of [[], addrs]) {
          for (const [allocate, keyedCodes] of [
            [undefined, false],
            [buffers.allocate, false],
            [buffers.allocate, true],
          ] as const) {
            const what = `part ${p} [${columns}] dicts [${dictsAsked}] ${allocate ? 'buffers' : 'fresh'} codes ${keyedCodes}`;
            const got = reader.readPart(p, columns, allocate, {
              keyed: keyedNames,
              addressDicts: dictsAsked,
              keyedCodes,
            });
            for (const form of Object.values(got.keyed ?? {}))
              assert.ok(keyedCodes || form.codes === undefined, `${what}: codes only when asked`);
            const { job, keyedColumns } = expandKeyed(got, columns, keyedNames);
            const stored = storedKeyed.filter((n) => columns.includes(n));
            assert.equal(keyedColumns, stored.length, `${what}: every stored keyed column in keyed form`);
            const expanded = expandAddressDicts(job, columns, dictsAsked).job;
            assert.deepEqual(columnCells(expanded, columns), columnCells(rowsForm, columns), what);
            const { src_as: src, dst_as: dst } = got.keyed ?? {};
            if (src !== undefined && dst !== undefined && meta.partBlocks.addresses > 0 && !keyedCodes)
              assert.equal(dst.table, src.table, `${what}: dst_as shares src_as's table`);
          }
        }
      }
    }
  } finally {
    reader.close();
  }
});

test('version 2 and 3 segments (nothing keyed) return rows when asked for keyed form', () => {
  const fixtureNames = fixtureSchema.map((c) => c.name);
  for (const file of ['v2-small.seg', 'v3-small.seg']) {
    const reader = openSegment(`${repoRoot}src/store/segment/testdata/${file}`);
    try {
      for (let p = 0; p < reader.meta.parts.length; p++) {
        const asked = reader.readPart(p, fixtureNames, undefined, { keyed: fixtureNames });
        assert.equal(asked.keyed, undefined, file);
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

test('flipping any byte of a version 4 segment is detected when reading keyed form', () => {
  assertEveryByteFlipDetected(readFileSync(writeConversationSegment(120)), 'flipped-keyed.seg', (reader) => {
    for (let p = 0; p < reader.meta.parts.length; p++) {
      reader.readPart(p, names, undefined, { keyed: keyedNames, addressDicts: ['src_addr'] });
      reader.readPart(p, names, undefined, { keyed: keyedNames, keyedCodes: true });
    }
  });
});
