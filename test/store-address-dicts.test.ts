import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowColumns } from '../src/flow/schema.js';
import type { JobColumns, ScanJob } from '../src/store/backend.js';
import { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import { readSealedJob } from '../src/store/store.js';
import { expandAddressDicts } from './helpers/address-dicts.js';
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
