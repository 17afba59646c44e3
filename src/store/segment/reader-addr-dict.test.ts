import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { expandAddressDicts } from '../../../test/helpers/address-dicts.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { conversationSchema } from './conversation-support.js';
import { openSegment } from './index.js';
import { assertEveryByteFlipDetected, columnCells, writeConversationSegment } from './test-support.js';
import { fixtureSchema } from './v2-fixture.js';

const names = conversationSchema.map((c) => c.name);
const addrs = conversationSchema.filter((c) => c.type === 'addr').map((c) => c.name);

test('version 4 address columns come in dictionary form that expands to the rows form', () => {
  const reader = openSegment(writeConversationSegment(3000));
  const buffers = new ReadBuffers();
  try {
    for (let p = 0; p < reader.meta.parts.length; p++) {
      const meta = reader.meta.parts[p]!;
      assert.ok(meta.leaders < meta.rows, 'the part has repeated rows (a repeat map)');
      const rowsForm = reader.readPart(p, names);
      // Keyed columns (src_as, dst_as, route lengths) read in the same call take the indexes of
      // the dictionary form as their key: they must come out the same too.
      for (const allocate of [undefined, buffers.allocate]) {
        const dictForm = reader.readPart(p, names, allocate, { addressDicts: addrs });
        const { job, dictColumns } = expandAddressDicts(dictForm, names, addrs);
        assert.deepEqual(columnCells(job, names), columnCells(rowsForm, names));
        const dicts = dictForm.addressDicts!;
        assert.ok(
          dicts.src_addr !== undefined && dicts.dst_addr !== undefined,
          'src and dst as dictionaries',
        );
        assert.equal(dicts.src_addr.entries, dicts.dst_addr.entries, 'one shared dictionary, written once');
        const encoding = meta.columns.find((c) => c.name === 'ipv4_next_hop')!.encoding;
        assert.equal(dictColumns, encoding === 'addr-dict' ? 3 : 2, `next hop stored as ${encoding}`);
      }
      // Read alone, a keyed column still finds its key's indexes (decoded for it alone).
      const alone = reader.readPart(p, ['src_as', 'src_addr'], undefined, { addressDicts: ['src_addr'] });
      assert.deepEqual(columnCells(alone, ['src_as']), columnCells(rowsForm, ['src_as']));
    }
  } finally {
    reader.close();
  }
});

test('dictionary form into ReadBuffers reuses the same memory from one part to the next', () => {
  const reader = openSegment(writeConversationSegment(2000));
  const buffers = new ReadBuffers();
  try {
    const first = reader.readPart(0, addrs, buffers.allocate, { addressDicts: addrs });
    const indexes = first.addressDicts!.src_addr!.indexes.buffer;
    const entries = first.addressDicts!.src_addr!.entries.buffer;
    const held = buffers.bytes;
    reader.readPart(0, addrs, buffers.allocate, { addressDicts: addrs });
    const again = reader.readPart(0, addrs, buffers.allocate, { addressDicts: addrs });
    assert.equal(again.addressDicts!.src_addr!.indexes.buffer, indexes);
    assert.equal(again.addressDicts!.src_addr!.entries.buffer, entries);
    assert.equal(buffers.bytes, held);
  } finally {
    reader.close();
  }
});

test('version 2 and 3 segments (no dictionaries) return address rows when asked for dictionaries', () => {
  const fixtureNames = fixtureSchema.map((c) => c.name);
  const fixtureAddrs = fixtureSchema.filter((c) => c.type === 'addr').map((c) => c.name);
  assert.ok(fixtureAddrs.length >= 2);
  for (const file of ['v2-small.seg', 'v3-small.seg']) {
    const reader = openSegment(`${repoRoot}src/store/segment/testdata/${file}`);
    try {
      for (let p = 0; p < reader.meta.parts.length; p++) {
        const asked = reader.readPart(p, fixtureNames, undefined, { addressDicts: fixtureAddrs });
        assert.equal(asked.addressDicts, undefined, file);
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

test('flipping any byte of a version 4 segment is detected when reading dictionary form', () => {
  assertEveryByteFlipDetected(readFileSync(writeConversationSegment(120)), 'flipped-dict.seg', (reader) => {
    for (let p = 0; p < reader.meta.parts.length; p++)
      reader.readPart(p, names, undefined, { addressDicts: addrs });
  });
});
