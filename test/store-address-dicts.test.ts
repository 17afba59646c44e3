import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import type { JobColumns, ScanJob } from '../src/store/backend.js';
import { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import { readSealedJob } from '../src/store/store.js';
import { expandAddressDicts } from './helpers/address-dicts.js';
import { keyedColumns, keyedFlows, readKeyedChecked } from './helpers/backend-conformance-keyed.js';
import { expandKeyed } from './helpers/keyed-columns.js';
import { generateFlows, rowsOfJob } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const names = flowColumns.map((c) => c.name);
const addrs = flowColumns.filter((c) => c.type === 'addr').map((c) => c.name);

function partsOf(job: ScanJob): number {
  return (job.location as { parts?: unknown[] }).parts?.length ?? 0;
}

/** The job's rows (every column, addresses as bytes), in the job's row order. */
function rows(job: JobColumns): string[] {
  return rowsOfJob(job, flowColumns);
}

test('sealed jobs hand src_addr and dst_addr over as dictionaries; open ones as rows; late parts merge', async (t) => {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const minutes = [base, base + MINUTE];
  await store.append('acme', generateFlows({ seed: 3, rows: 2000, minutes, devices: [1, 2] }));

  // Open: the store keeps the open minute as rows and returns them as rows.
  const open = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.ok(open.length > 0 && open.every((j) => !j.sealed));
  for (const job of open) {
    const got = await store.read(job, names, { addressDicts: addrs });
    assert.equal(got.addressDicts, undefined);
    assert.deepEqual(rows(got), rows(await store.read(job, names)));
  }

  // Sealed, then late rows for minute 0 of device 1 sealed into a second file: a job of two parts.
  await store.sealNow({ all: true });
  await store.append('acme', generateFlows({ seed: 4, rows: 300, minutes: [base], devices: [1] }));
  await store.sealNow({ all: true });
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.ok(jobs.every((j) => j.sealed));
  assert.ok(
    jobs.some((j) => partsOf(j) > 1),
    'a job of several parts',
  );
  const buffers = new ReadBuffers();
  for (const job of jobs) {
    const want = rows(readSealedJob(job, names)).sort();
    for (const read of [
      () => store.read(job, names, { addressDicts: addrs }),
      async () => readSealedJob(job, names, buffers, { addressDicts: addrs }),
    ]) {
      const got = await read();
      const { job: expanded, dictColumns } = expandAddressDicts(got, names, addrs);
      assert.ok(dictColumns >= 2, `src_addr and dst_addr as dictionaries (${partsOf(job)} parts)`);
      assert.deepEqual(rows(expanded).sort(), want);
      if (partsOf(job) > 1) {
        // One merged dictionary for every address column of the job.
        const dicts = Object.values(got.addressDicts!);
        assert.ok(dicts.every((d) => d.entries === dicts[0]!.entries && d.size === dicts[0]!.size));
      }
    }
  }
});

/** Whether some address has two values of `column` over the rows of (minute, device) of `batches`. */
function disagree(
  batches: readonly FlowBatch[],
  minute: number,
  device: number,
  key: string,
  column: string,
) {
  const seen = new Map<string, number>();
  for (const b of batches) {
    const addr = b.arrays[b.index[key as 'src_addr']] as Uint8Array;
    for (let row = 0; row < b.length; row++) {
      if (b.arrays[b.index.i_start_time]![row] !== minute || b.arrays[b.index.i_device_id]![row] !== device)
        continue;
      const a = Buffer.from(addr.subarray(row * 16, row * 16 + 16)).toString('hex');
      const v = b.arrays[b.index[column as 'src_as']]![row]!;
      if ((seen.get(a) ?? v) !== v) return true;
      seen.set(a, v);
    }
  }
  return false;
}

test('sealed jobs hand keyed columns over as tables; late parts merge them or give rows where they disagree', async (t) => {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const batches = [keyedFlows(1, 1500, [base, base + MINUTE], [1, 2])];
  await store.append('acme', batches[0]!);
  await store.sealNow({ all: true });
  const sealed = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  // Every part stores the four columns keyed (functions of the addresses, varying).
  assert.equal((await readKeyedChecked(store, sealed)).keyed, sealed.length * 4 * 4);
  // Late: the same functions; a routing change; a part that stores dst_route_length as rows (one
  // value, 255, that no earlier row has: it disagrees wherever an address comes again).
  const constant = keyedFlows(4, 300, [base], [2]);
  constant.arrays[constant.index.dst_route_length]!.fill(255);
  batches.push(keyedFlows(2, 300, [base], [1]), keyedFlows(3, 300, [base + MINUTE], [1], 5), constant);
  for (const batch of batches.slice(1)) await store.append('acme', batch);
  await store.sealNow({ all: true });
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  await readKeyedChecked(store, jobs);
  const buffers = new ReadBuffers();
  let merged = 0;
  let disagreeing = 0;
  for (const job of jobs.filter((j) => partsOf(j) > 1)) {
    const got = readSealedJob(job, names, buffers, { keyed: keyedColumns, addressDicts: addrs });
    const { job: expanded } = expandKeyed(got, names, keyedColumns);
    const plain = expandAddressDicts(expanded, names, addrs).job;
    assert.deepEqual(rows(plain).sort(), rows(readSealedJob(job, names)).sort(), 'into ReadBuffers');
    for (const column of keyedColumns) {
      const key = column.startsWith('src') ? 'src_addr' : 'dst_addr';
      const rowsForm = disagree(batches, job.bucket, job.deviceId, key, column);
      assert.equal(got.keyed?.[column] === undefined, rowsForm, `${column} of ${job.bucket - base}`);
      if (rowsForm) disagreeing++;
      else merged++;
    }
  }
  assert.ok(merged > 0 && disagreeing > 0, `merged ${merged}, disagreeing ${disagreeing}`);
});
