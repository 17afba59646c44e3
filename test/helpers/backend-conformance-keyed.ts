import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowBatch } from '../../src/flow/batch.js';
import { flowColumns } from '../../src/flow/schema.js';
import type { ScanJob, StorageBackend } from '../../src/store/backend.js';
import { expandAddressDicts } from './address-dicts.js';
import type { ConformanceHooks } from './backend-conformance.js';
import { checkThroughStages } from './conformance-stages.js';
import { expandKeyed } from './keyed-columns.js';
import { generateFlows, prng, rowsOfBatch, rowsOfJob } from './store-flows.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const allColumns = flowColumns.map((c) => c.name);
const addrs = flowColumns.filter((c) => c.type === 'addr').map((c) => c.name);
export const keyedColumns = ['src_as', 'dst_as', 'src_route_length', 'dst_route_length'];

/**
 * Flows whose AS numbers and prefix lengths are functions of their address, as a router's
 * routing table makes them: addresses drawn from a pool of 60 (IPv4 and IPv6), so that late rows
 * meet addresses of earlier ones. `variant` changes the functions on a third of the pool (a
 * routing change: the same address with another AS in a later part).
 */
export function keyedFlows(seed: number, rows: number, minutes: number[], devices: number[], variant = 0) {
  const batch = generateFlows({ seed, rows, minutes, devices });
  const rnd = prng(seed * 7 + 1);
  const pool = 60;
  const as = (k: number) => (k % 3 === 0 ? 64_512 + k + variant : 13_335 + 1000 * (k % 7));
  const length = (k: number) => (k % 3 === 0 ? 8 + ((k + variant) % 17) : 24 - (k % 9));
  for (const [addr, asCol, lengthCol] of [
    ['src_addr', 'src_as', 'src_route_length'],
    ['dst_addr', 'dst_as', 'dst_route_length'],
  ] as const) {
    const bytes = batch.arrays[batch.index[addr]] as Uint8Array;
    for (let row = 0; row < rows; row++) {
      const k = Math.floor(rnd() * rnd() * pool);
      bytes.fill(0, row * 16, row * 16 + 16);
      if (k % 4 === 0) bytes.set([0x20, 0x01, 0x0d, 0xb8, k], row * 16);
      else bytes.set([0xff, 0xff, 10, 0, 0, k], row * 16 + 10);
      batch.arrays[batch.index[asCol]]![row] = as(k);
      batch.arrays[batch.index[lengthCol]]![row] = length(k);
    }
  }
  return batch;
}

/**
 * Reads each job in rows form, then with the keyed columns asked in keyed form (with and without
 * their key address columns among the columns, with and without address dictionaries asked):
 * every keyed read must expand to the rows form. Returns the rows (sorted) and how many keyed
 * columns came back in keyed form.
 */
export async function readKeyedChecked(
  backend: StorageBackend,
  jobs: readonly ScanJob[],
): Promise<{ rows: string[]; keyed: number }> {
  const out: string[] = [];
  let keyed = 0;
  const withoutKeys = allColumns.filter((c) => !addrs.includes(c));
  for (const job of jobs) {
    const rows = rowsOfJob(await backend.read(job, allColumns), flowColumns);
    out.push(...rows);
    for (const columns of [allColumns, withoutKeys]) {
      const defs = columns.map((c) => flowColumns.find((f) => f.name === c)!);
      const want = columns === allColumns ? rows : rowsOfJob(await backend.read(job, columns), defs);
      for (const addressDicts of [[], addrs]) {
        const got = await backend.read(job, columns, { keyed: keyedColumns, addressDicts });
        const expanded = expandKeyed(got, columns, keyedColumns);
        keyed += expanded.keyedColumns;
        const { job: plain } = expandAddressDicts(expanded.job, columns, addressDicts);
        assert.deepEqual(rowsOfJob(plain, defs).sort(), [...want].sort(), 'keyed form = rows form');
      }
    }
  }
  return { rows: out.sort(), keyed };
}

/** The keyed-form part of the conformance suite (see backend-conformance.ts). */
export function describeKeyed(
  fresh: () => Promise<{ backend: StorageBackend; dir: string }>,
  makeBackend: (dir: string) => Promise<StorageBackend>,
  hooks: ConformanceHooks,
): void {
  describe('keyed form (ReadOptions.keyed)', () => {
    it('expands to the rows form: open, sealed, late, disagreeing late, compacted, reopened', async () => {
      const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
      const minutes = [base, base + MINUTE];
      const batches: FlowBatch[] = [];
      // Late rows of minute 0 with the same functions, of minute 1 with a routing change.
      const late = [keyedFlows(2, 300, [base], [1]), keyedFlows(3, 300, [base + MINUTE], [1], 5)];
      await checkThroughStages(
        fresh,
        makeBackend,
        hooks,
        keyedFlows(1, 1500, minutes, [1, 2]),
        late,
        async (backend, stage) => {
          const jobs = await backend.jobs({ tenant: 'acme', from: base, to: base + HOUR });
          const want = batches.flatMap((b) => rowsOfBatch(b, flowColumns)).sort();
          assert.deepEqual((await readKeyedChecked(backend, jobs)).rows, want, stage);
        },
        (batch) => batches.push(batch),
      );
    });
  });
}
