import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { flowColumns } from '../src/flow/schema.js';
import { generateFlows, rowsOfJob } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const names = flowColumns.map((c) => c.name);

async function sealedStore(t: Parameters<typeof tempStoreDir>[0], base: number) {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const minutes = [base, base + MINUTE, base + 2 * MINUTE];
  await store.append('acme', generateFlows({ seed: 7, rows: 1500, minutes, devices: [1, 2] }));
  await store.sealNow({ all: true });
  return { store, minutes };
}

test('statistics prune jobs that cannot match, and keep those that can', async (t) => {
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const { store } = await sealedStore(t, base);
  const request = { tenant: 'acme', from: base, to: base + HOUR };
  const all = await store.jobs(request);
  assert.equal(all.length, 6);
  assert.deepEqual(await store.jobs({ ...request, ranges: [{ column: 'l4_src_port', min: 70_000 }] }), []);
  assert.deepEqual(await store.jobs({ ...request, ranges: [{ column: 'in_bytes', max: -1 }] }), []);
  assert.equal(
    (await store.jobs({ ...request, ranges: [{ column: 'l4_src_port', min: 0, max: 65535 }] })).length,
    6,
  );
  assert.equal(
    (await store.jobs({ ...request, ranges: [{ column: 'src_addr', min: 5 }] })).length,
    6,
    'no stats: kept',
  );
});

test('a job planned before compaction fails with a retryable stale_job error; planning again works', async (t) => {
  const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
  const { store } = await sealedStore(t, base);
  const request = { tenant: 'acme', from: base, to: base + HOUR };
  const before = await store.jobs(request);
  const expected = (await Promise.all(before.map((j) => store.read(j, names)))).reduce(
    (n, c) => n + c.rows,
    0,
  );
  await store.maintain();
  await assert.rejects(
    store.read(before[0]!, names),
    (err: Error & { code?: string; retryable?: boolean }) => {
      assert.equal(err.code, 'stale_job');
      assert.equal(err.retryable, true);
      return true;
    },
  );
  const after = await store.jobs(request);
  assert.notDeepEqual(
    after.map((j) => j.dataId),
    before.map((j) => j.dataId),
  );
  const rows = (await Promise.all(after.map((j) => store.read(j, names)))).reduce((n, c) => n + c.rows, 0);
  assert.equal(rows, expected);
});

test('an open job whose minute was sealed since planning fails with stale_job', async (t) => {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const minute = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  await store.append('acme', generateFlows({ seed: 1, rows: 10, minutes: [minute], devices: [1] }));
  const [open] = await store.jobs({ tenant: 'acme', from: minute, to: minute + MINUTE });
  assert.equal(open!.sealed, false);
  assert.equal((await store.read(open!, ['in_bytes'])).rows, 10);
  await store.sealNow({ all: true });
  await assert.rejects(store.read(open!, ['in_bytes']), { code: 'stale_job' });
});

test('readSealedJob runs in a worker thread and returns what the store reads', async (t) => {
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const { store } = await sealedStore(t, base);
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  const module = new URL('../src/store/read/read-sealed.js', import.meta.url).href;
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     import(workerData.module).then(({ readSealedJob }) => {
       parentPort.postMessage(workerData.jobs.map((job) => readSealedJob(job, workerData.names)));
     });`,
    { eval: true, workerData: { module, jobs, names } },
  );
  const results = await new Promise<Parameters<typeof rowsOfJob>[0][]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  for (let i = 0; i < jobs.length; i++) {
    const local = await store.read(jobs[i]!, names);
    assert.deepEqual(rowsOfJob(results[i]!, flowColumns).sort(), rowsOfJob(local, flowColumns).sort());
  }
});
