import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddrDict } from '../encoding/addr-dict-build.js';
import { planKeyed } from './keyed-plan.js';

/** A dictionary of `size` entries with the given row indexes (the entries themselves do not matter here). */
function dict(index: number[], size: number, shared?: AddrDict): AddrDict {
  return {
    v4: shared?.v4 ?? new Float64Array(size),
    v6: shared?.v6 ?? new Uint32Array(0),
    size,
    index: Uint32Array.from(index),
  };
}

test('a column that is a function of its key gets a table; one that is not, none', () => {
  const key = dict([0, 1, 1, 2, 0, 2], 4);
  const asn = Uint32Array.from([10, 20, 20, 30, 10, 30]);
  const bad = Uint32Array.from([10, 20, 21, 30, 10, 30]);
  const plan = planKeyed([
    { name: 'a', type: 'u32', values: asn, key },
    { name: 'b', type: 'u32', values: bad, key: dict([0, 1, 1, 2, 0, 2], 4) },
  ]);
  const a = plan.get('a')!;
  assert.equal(a.owner, undefined);
  // Entry 3 has no row: it repeats its neighbour.
  assert.deepEqual(Array.from(a.table), [10, 20, 30, 30]);
  assert.deepEqual([a.min, a.max], [10, 30]);
  assert.equal(plan.get('b'), undefined);
});

test('columns keyed by one shared dictionary share a table when they agree', () => {
  const src = dict([0, 1, 2], 5);
  const dst = dict([3, 1, 4], 5, src);
  const other = dict([3, 1, 4], 5);
  const srcAs = Uint32Array.from([100, 200, 300]);
  const dstAs = Uint32Array.from([400, 200, 500]);
  const plan = planKeyed([
    { name: 'src_as', type: 'u32', values: srcAs, key: src },
    { name: 'dst_as', type: 'u32', values: dstAs, key: dst },
    { name: 'x', type: 'u32', values: dstAs, key: other },
  ]);
  assert.equal(plan.get('dst_as')!.owner, 'src_as');
  assert.deepEqual(Array.from(plan.get('src_as')!.table), [100, 200, 300, 400, 500]);
  assert.deepEqual([plan.get('dst_as')!.min, plan.get('dst_as')!.max], [200, 500]);
  // Another dictionary: its own table.
  assert.equal(plan.get('x')!.owner, undefined);
  // Disagreeing on entry 1 (an address with two ASes): no sharing.
  const clash = planKeyed([
    { name: 'src_as', type: 'u32', values: srcAs, key: src },
    { name: 'dst_as', type: 'u32', values: Uint32Array.from([400, 201, 500]), key: dst },
  ]);
  assert.equal(clash.get('dst_as')!.owner, undefined);
  // Another type: no sharing either.
  const types = planKeyed([
    { name: 'src_as', type: 'u32', values: srcAs, key: src },
    { name: 'dst_len', type: 'u8', values: Uint8Array.from([24, 16, 8]), key: dst },
  ]);
  assert.equal(types.get('dst_len')!.owner, undefined);
});
