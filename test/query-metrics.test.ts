import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { Registry } from '../src/metrics/registry.js';
import { createQueryEngine } from '../src/query/engine.js';
import { serverQueryEngine } from '../src/server/query-engine.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { cells, instrumentedEngine, read, stage } from './helpers/query-metrics.js';
import { session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { testStore } from './helpers/store-setup.js';

/**
 * The query engine's metrics (stage timers, rows, jobs, memo, workers) against what the data
 * written here implies. Every query reads max(in_pkts), which rollups cannot answer, so jobs are
 * minutes whatever rollups exist: one job per (minute, device) holding rows, the data being sealed
 * once (one segment per minute).
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const byDevice = 'SELECT i_device_id, count(*), max(in_pkts) FROM all_devices GROUP BY 1 ORDER BY 1';
const stages = ['parse', 'validate', 'plan', 'fanout', 'merge', 'sort'] as const;

describe('query metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-query-metrics-'));
  const store: EmbeddedStore = testStore(dir);
  // Two hours back, whole hours: sealed, and the ten-minute spans of 'big' are complete.
  const base = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR;
  let small: FlowBatch;
  let big: FlowBatch;

  before(async () => {
    await store.start();
    // 3 devices × 2 minutes of one ten-minute span.
    small = generateFlows({
      seed: 31,
      rows: 600,
      minutes: [base + 3 * MINUTE, base + 4 * MINUTE],
      devices: [1, 2, 3],
    });
    // 2 devices × 40 minutes: four whole ten-minute spans per device.
    const minutes = Array.from({ length: 40 }, (_, i) => base + i * MINUTE);
    big = generateFlows({ seed: 32, rows: 4000, minutes, devices: [1, 2] });
    await store.append('acme', small);
    await store.append('big', big);
    await store.sealNow({ all: true });
  });
  after(async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('times each stage once per query and each job once; a repeat of a sealed query is memo hits', async (t) => {
    const { engine, metrics } = instrumentedEngine(t, store);
    const jobs = cells(small).size;
    const devices = new Set(small.arrays[small.index.i_device_id]!).size;
    assert.equal(jobs, 6, '3 devices × 2 minutes, every cell holding some of the 600 rows');

    const first = await engine.run(session(), byDevice);
    assert.equal(first.rows.length, devices);
    for (const s of stages) assert.equal(stage(metrics, s), 1, s);
    assert.equal(stage(metrics, 'job'), jobs, 'each job timed once (reported by its worker)');
    assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'ok' }), 1);
    assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'error' }), 0);
    const planned = metrics.histogram('flowlens_query_planned_jobs');
    assert.deepEqual([planned.count, planned.sum], [1, jobs]);
    assert.equal(read(metrics, 'flowlens_query_scanned_rows_total'), small.length);
    assert.equal(read(metrics, 'flowlens_query_returned_rows_total'), devices);
    assert.equal(read(metrics, 'flowlens_query_resolution_queries_total', { resolution: 'minute' }), 1);
    assert.equal(read(metrics, 'flowlens_query_resolution_queries_total', { resolution: 'hour' }), 0);
    assert.equal(read(metrics, 'flowlens_query_memo_misses_total'), jobs);
    assert.equal(read(metrics, 'flowlens_query_memo_hits_total'), 0);
    assert.equal(read(metrics, 'flowlens_query_memo_entries'), jobs);
    assert.ok(read(metrics, 'flowlens_query_memo_bytes') > 0);
    const live = read(metrics, 'flowlens_query_pool_live_workers');
    assert.ok(live >= 1 && live <= 2, `${live} workers of 2`);
    assert.equal(read(metrics, 'flowlens_query_pool_queued_tasks'), 0);
    assert.equal(read(metrics, 'flowlens_query_pool_running_tasks'), 0);
    assert.equal(read(metrics, 'flowlens_query_running_queries'), 0);

    const second = await engine.run(session(), byDevice);
    assert.deepEqual(second.rows, first.rows);
    for (const s of stages) assert.equal(stage(metrics, s), 2, s);
    assert.equal(stage(metrics, 'job'), jobs, 'no job ran again');
    assert.equal(read(metrics, 'flowlens_query_memo_hits_total'), jobs, 'every job from the memo');
    assert.equal(read(metrics, 'flowlens_query_memo_misses_total'), jobs);
    assert.equal(read(metrics, 'flowlens_query_scanned_rows_total'), small.length, 'nothing read again');
    assert.equal(read(metrics, 'flowlens_query_returned_rows_total'), 2 * devices);
    assert.equal(read(metrics, 'flowlens_query_statements_total'), 2);
    assert.equal(read(metrics, 'flowlens_query_flow_queries_total'), 2);
    assert.equal(metrics.histogram('flowlens_query_planned_jobs').sum, 2 * jobs);
  });

  it('times every job of the tasks that carry several: groups and batches', async (t) => {
    const jobs = cells(big).size;
    assert.equal(jobs, 80, '2 devices × 40 minutes');
    // A spec without text keys runs each device's whole ten minutes as one task: with 8 spans
    // (2 devices × 4), at least 2 per worker, every span becomes one group.
    const grouped = instrumentedEngine(t, store);
    await grouped.engine.run(session('big'), byDevice);
    assert.equal(stage(grouped.metrics, 'job'), jobs);
    assert.equal(read(grouped.metrics, 'flowlens_query_pool_tasks_total'), 8);
    // A text key cannot be grouped: the 80 jobs go in batches of ⌈80 / (4 per worker × 2)⌉ = 10.
    const batched = instrumentedEngine(t, store);
    await batched.engine.run(session('big'), 'SELECT src_geo, max(in_pkts) FROM all_devices GROUP BY 1');
    assert.equal(stage(batched.metrics, 'job'), jobs);
    assert.equal(read(batched.metrics, 'flowlens_query_pool_tasks_total'), 8);
  });

  it('counts a statement that fails under its SQLSTATE, timing only the stages it reached', async (t) => {
    const { engine, metrics } = instrumentedEngine(t, store);
    await assert.rejects(engine.run(session(), 'SELECT nope FROM all_devices'), { code: '42703' });
    assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '42703' }), 1);
    assert.deepEqual(
      [stage(metrics, 'parse'), stage(metrics, 'validate'), stage(metrics, 'plan')],
      [1, 1, 0],
    );
    await assert.rejects(engine.run(session(), 'SELEC 1'), { code: '42601' });
    assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '42601' }), 1);
    assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '42703' }), 1);
    assert.deepEqual([stage(metrics, 'parse'), stage(metrics, 'validate')], [2, 1]);
    assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'error' }), 2);
    assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'ok' }), 0);
    assert.equal(read(metrics, 'flowlens_query_flow_queries_total'), 0);
  });

  it('the engine on its own thread times its jobs too, and serverQueryEngine fills the registry it is given', async () => {
    const alone = new Registry();
    const engine = createQueryEngine({ backend: store, metrics: alone });
    await engine.run(session(), byDevice);
    assert.equal(stage(alone, 'job'), cells(small).size);

    const metrics = new Registry();
    const server = serverQueryEngine({ backend: store, config: { queryWorkers: 1 }, metrics });
    try {
      await server.run(session(), byDevice);
    } finally {
      await server.stop();
    }
    assert.equal(stage(metrics, 'job'), cells(small).size);
    assert.equal(read(metrics, 'flowlens_query_pool_max_workers'), 1);
    for (const reason of ['rate', 'concurrency', 'rows'])
      assert.equal(read(metrics, 'flowlens_query_refused_queries_total', { reason }), 0);
    const families = metrics.families().filter((f) => f.name.startsWith('flowlens_query_'));
    assert.ok(families.length >= 25, `${families.length} query metrics`);
    for (const f of families) assert.notEqual(f.help, '', `${f.name} has help text`);
  });
});
