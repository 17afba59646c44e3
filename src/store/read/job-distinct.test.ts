import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../backend.js';
import { allocateUninitialized } from '../encoding/column-alloc.js';
import { JobDistinct } from './job-distinct.js';

const hex = (bytes: Uint8Array, i: number) =>
  Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');
const v4 = (k: number) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, k >> 8, k & 0xff];
const bytesOf = (list: readonly number[][]) => Uint8Array.from(list.flat());

test('a job of several parts unions sets, the entries a dictionary part uses, and rows parts', () => {
  // Part 0: a set of 0..99; part 1: a dictionary of 50..249 whose rows use only the even ones
  // (the odd ones are another column's); part 2: rows of 240..259 (at rows 300.. of the job).
  const part0: JobColumns = {
    rows: 120,
    columns: {},
    dicts: {},
    distinct: { src_addr: { entries: bytesOf(Array.from({ length: 100 }, (_, k) => v4(k))), size: 100 } },
  };
  const dictEntries = bytesOf(Array.from({ length: 200 }, (_, e) => v4(50 + e)));
  const indexes = Uint32Array.from({ length: 180 }, (_, i) => (2 * i) % 200);
  const part1: JobColumns = {
    rows: 180,
    columns: {},
    dicts: {},
    addressDicts: { src_addr: { entries: dictEntries, size: 200, indexes } },
  };
  const rows = bytesOf(Array.from({ length: 40 }, (_, i) => v4(240 + (i % 20))));
  const whole = { src_addr: new Uint8Array(340 * 16) };
  whole.src_addr.set(rows, 300 * 16);
  const part2: JobColumns = { rows: 40, columns: {}, dicts: {} };
  const distinct = new JobDistinct(['src_addr']);
  distinct.addPart(part0, 0, whole);
  distinct.addPart(part1, 120, whole);
  distinct.addPart(part2, 300, whole);
  const set = distinct.finish(allocateUninitialized).src_addr!;
  const got = Array.from({ length: set.size }, (_, e) => hex(set.entries, e));
  // The oracle, from the parts' values as written above.
  const want = new Set<string>();
  for (let k = 0; k < 100; k++) want.add(hex(bytesOf([v4(k)]), 0));
  for (let i = 0; i < 180; i++) want.add(hex(bytesOf([v4(50 + ((2 * i) % 200))]), 0));
  for (let i = 0; i < 40; i++) want.add(hex(bytesOf([v4(240 + (i % 20))]), 0));
  assert.equal(new Set(got).size, got.length, 'each value once');
  assert.deepEqual(new Set(got), want);
});
