import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { generateFlows, rowsOfBatch, rowsOfJob } from './helpers/store-flows.js';
import { listTree, tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Small output files, so that an hour is compacted into several (a rewrite with many outputs). */
const compactionConfig = { compaction: { hourlyAfterMs: 2 * HOUR, maxRowsPerFile: 250 } };
const child = fileURLToPath(new URL('./helpers/store-crash-child.js', import.meta.url));

async function allRows(store: EmbeddedStore, from: number, to: number): Promise<string[]> {
  const out: string[] = [];
  for (const job of await store.jobs({ tenant: 'acme', from, to })) {
    out.push(
      ...rowsOfJob(
        await store.read(
          job,
          flowColumns.map((c) => c.name),
        ),
        flowColumns,
      ),
    );
  }
  return out.sort();
}

const rowsOf = (batches: readonly FlowBatch[]) => batches.flatMap((b) => rowsOfBatch(b, flowColumns)).sort();

/** Two old hours with main and late segments in several minutes, and a 40-day-old hour. */
async function prepare(dir: string, now: number): Promise<{ recent: FlowBatch[]; old: FlowBatch[] }> {
  const base = Math.floor((now - 5 * HOUR) / HOUR) * HOUR;
  const oldBase = Math.floor((now - 40 * DAY) / HOUR) * HOUR;
  const store = testStore(dir, compactionConfig);
  await store.start();
  const recent: FlowBatch[] = [];
  const old: FlowBatch[] = [];
  const minutes = [base, base + MINUTE, base + 30 * MINUTE, base + HOUR + 2 * MINUTE];
  for (let round = 0; round < 3; round++) {
    const batch = generateFlows({ seed: 10 + round, rows: 300, minutes, devices: [1, 2, 3] });
    recent.push(batch);
    await store.append('acme', batch);
    await store.sealNow({ all: true });
  }
  for (let round = 0; round < 2; round++) {
    const batch = generateFlows({
      seed: 50 + round,
      rows: 100,
      minutes: [oldBase, oldBase + MINUTE],
      devices: [1],
    });
    old.push(batch);
    await store.append('acme', batch);
    await store.sealNow({ all: true });
  }
  await store.stop();
  return { recent, old };
}

const points: [string, string, string][] = [
  ['store.compact.write', 'kill', 'maintain'],
  ['store.compact.rename', 'kill', 'maintain'],
  ['store.compact.delete', 'kill', 'maintain'],
  ['store.compact.delete', '1*off->kill', 'maintain'],
  ['store.compact.rename', '3*off->kill', 'maintain'],
  ['store.compact.write', '2*off->kill', 'maintain'],
  ['store.retention.delete', 'kill', 'retention'],
  ['store.retention.delete', '1*off->kill', 'retention'],
];

for (const [point, action, task] of points) {
  test(`a crash at ${point}=${action} loses and duplicates nothing`, async (t) => {
    const dir = tempStoreDir(t);
    const now = Date.now();
    const { recent, old } = await prepare(dir, now);
    const run = spawnSync(process.execPath, [child, dir, task, String(now)], {
      env: { ...process.env, FLOWLENS_FAILPOINTS: `${point}=${action}` },
      encoding: 'utf8',
    });
    assert.equal(run.signal, 'SIGKILL', `the child was killed at the fail point (stderr: ${run.stderr})`);

    const store = testStore(dir, compactionConfig);
    await store.start();
    t.after(() => store.stop());
    const from = now - 60 * DAY;
    const rows = await allRows(store, from, now);
    const recentRows = rowsOf(recent);
    const oldRows = rowsOf(old);
    if (task === 'maintain') {
      assert.deepEqual(rows, [...recentRows, ...oldRows].sort());
    } else {
      // Retention may have deleted some of the expired files before the crash, never anything else.
      const kept = rows.filter((r) => !oldRows.includes(r));
      assert.deepEqual(kept, recentRows);
      assert.equal(new Set(rows).size <= rows.length, true);
    }
    assert.deepEqual(
      listTree(dir).filter((f) => f.includes('.tmp') || f.includes('.intent.json')),
      [],
      'no temporary or intent files after start',
    );
    // Finishing the work afterwards still keeps every row exactly once.
    await store.maintain(now);
    await store.applyRetention(now);
    assert.deepEqual(await allRows(store, from, now), recentRows);
    const files = listTree(dir).filter((f) => f.endsWith('.seg') && !f.includes('rollup'));
    assert.ok(
      files.every((f) => /\/\d\d\.hour-/.test(f)),
      `only hourly flow files remain: ${files.join(', ')}`,
    );
  });
}
