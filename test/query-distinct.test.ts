import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { createQueryEngine } from '../src/query/engine.js';
import { HyperLogLog } from '../src/query/hll/index.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { testStore } from './helpers/store-setup.js';

const MINUTE = 60_000;

/**
 * approx_count_distinct and count(DISTINCT) of address columns through SQL over sealed minutes
 * (read in distinct form: no row filter), late parts and an open minute: the answers with no
 * WHERE must be those with a WHERE that keeps every row (read as rows), and equal the oracle —
 * the exact count of distinct values, and the sketch of that set built here value by value.
 */
describe('distinct counts of address columns, with and without a WHERE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-distinct-'));
  const store: EmbeddedStore = testStore(dir);
  const engine = createQueryEngine({ backend: store });
  const batches: FlowBatch[] = [];
  const last = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
  const minutes = Array.from({ length: 6 }, (_, i) => last - i * MINUTE);

  before(async () => {
    await store.start();
    const add = async (batch: FlowBatch) => {
      batches.push(batch);
      await store.append('acme', batch);
    };
    await add(generateFlows({ seed: 21, rows: 4000, minutes, devices: [1, 2] }));
    await store.sealNow({ all: true });
    await add(generateFlows({ seed: 22, rows: 800, minutes: minutes.slice(2), devices: [1] })); // late parts
    await store.sealNow({ all: true });
    await add(generateFlows({ seed: 23, rows: 500, minutes: [last], devices: [2] })); // open minute
  });
  after(async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const values = (name: string) => {
    const out = new Set<string>();
    for (const b of batches) {
      const col = b.arrays[b.index[name]] as Uint8Array;
      for (let r = 0; r < b.length; r++)
        out.add(Buffer.from(col.subarray(r * 16, r * 16 + 16)).toString('hex'));
    }
    return out;
  };
  const sketchOf = (set: Set<string>) => {
    const sketch = new HyperLogLog();
    for (const hex of set) sketch.addAddress(Buffer.from(hex, 'hex'), 0);
    return Math.round(sketch.estimate());
  };
  const run = async (sql: string) =>
    (await engine.run(session(), sql, { now: last + MINUTE })).rows[0]!.map(Number);

  for (const where of ['', ' WHERE in_bytes >= 0']) {
    it(`approx_count_distinct${where === '' ? ' (no WHERE)' : where}`, async () => {
      const got = await run(
        `SELECT approx_count_distinct(src_addr), approx_count_distinct(dst_addr) FROM all_devices${where}`,
      );
      assert.deepEqual(got, [sketchOf(values('src_addr')), sketchOf(values('dst_addr'))]);
    });
    it(`count(DISTINCT)${where === '' ? ' (no WHERE)' : where}`, async () => {
      const got = await run(
        `SELECT count(DISTINCT src_addr), count(DISTINCT dst_addr) FROM all_devices${where}`,
      );
      assert.deepEqual(got, [values('src_addr').size, values('dst_addr').size]);
    });
  }
});
