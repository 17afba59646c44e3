import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddrDictMerge } from './addr-dict-merge.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** An address from a pool of 6 000 (so parts overlap, and the merge outgrows its first table). */
function address(rnd: () => number): Uint8Array {
  const a = new Uint8Array(16);
  const k = Math.floor(rnd() * 6000);
  if (k % 7 === 0) {
    a[0] = 0x20;
    a[1] = 0x01;
    a[15] = k & 0xff;
    a[14] = k >> 8;
  } else {
    a[10] = 0xff;
    a[11] = 0xff;
    a[12] = 10;
    a[14] = k >> 8;
    a[15] = k & 0xff;
  }
  return a;
}

const hex = (bytes: Uint8Array, i: number) =>
  Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');

test('parts given as dictionaries or as rows merge into one dictionary of distinct entries', () => {
  const merge = new AddrDictMerge();
  for (let round = 0; round < 3; round++) {
    // Reused across jobs: a reset forgets the previous job's entries.
    merge.reset();
    const rnd = rng(round + 1);
    const expected: string[] = [];
    // Every address given, used by a row or not (a part's dictionary may hold unused ones).
    const given = new Set<string>();
    const got: Uint32Array[] = [];
    for (let part = 0; part < 5; part++) {
      const rows = 500 + Math.floor(rnd() * 2000);
      const indexes = new Uint32Array(rows);
      if (part % 2 === 0) {
        // A part's own dictionary: distinct entries, rows indexing them.
        const pool = new Map<string, Uint8Array>();
        while (pool.size < 1500) {
          const a = address(rnd);
          pool.set(Buffer.from(a).toString('hex'), a);
        }
        const list = [...pool.values()];
        const entries = new Uint8Array(list.length * 16);
        for (const [e, a] of list.entries()) entries.set(a, e * 16);
        for (const key of pool.keys()) given.add(key);
        for (let i = 0; i < rows; i++) {
          indexes[i] = Math.floor(rnd() * list.length);
          expected.push(hex(entries, indexes[i]!));
        }
        merge.addDictionary(entries, list.length, indexes);
        // src_addr and dst_addr of a part pass the same entries: the second is remapped too.
        const second = Uint32Array.from(indexes.subarray(0, 10).map((_, i) => (i * 3) % list.length));
        const want = Array.from(second, (k) => hex(entries, k));
        merge.addDictionary(entries, list.length, second);
        got.push(indexes, second);
        expected.push(...want);
      } else {
        const bytes = new Uint8Array(rows * 16);
        for (let i = 0; i < rows; i++) {
          bytes.set(address(rnd), i * 16);
          expected.push(hex(bytes, i));
          given.add(hex(bytes, i));
        }
        merge.addRows(bytes, indexes);
        got.push(indexes);
      }
    }
    assert.ok(merge.size > 2048, `${merge.size} entries: the table grew`);
    const entries = merge.writeEntries(new Uint8Array(merge.size * 16));
    const distinct = new Set(Array.from({ length: merge.size }, (_, e) => hex(entries, e)));
    assert.equal(distinct.size, merge.size, 'entries are distinct');
    assert.deepEqual(distinct, given, 'every address given and no other');
    const decoded = got.flatMap((ix) => Array.from(ix, (k) => hex(entries, k)));
    assert.deepEqual(decoded, expected);
  }
});
