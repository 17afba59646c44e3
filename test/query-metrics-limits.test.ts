import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { EmbeddedStore } from '../src/store/store.js';
import { instrumentedEngine, read, StuckExecutor, stage } from './helpers/query-metrics.js';
import { session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

/** The limits' refusals, cancellations and timeouts as the query metrics count them. */

const MINUTE = 60_000;
const rowsStored = 600;
const flowsQuery = 'SELECT count(*) FROM all_devices';

async function storeWithFlows(t: TestContext): Promise<EmbeddedStore> {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const last = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
  await store.append(
    'acme',
    generateFlows({ seed: 7, rows: rowsStored, minutes: [last, last - MINUTE], devices: [1, 2] }),
  );
  return store;
}

const refused = (metrics: Parameters<typeof read>[0], reason: string) =>
  read(metrics, 'flowlens_query_refused_queries_total', { reason });

test('a query over the rate is counted as refused (rate) and as error 53400; SHOW is not limited', async (t) => {
  const store = await storeWithFlows(t);
  // A burst of one and a clock that never moves: the second flows query finds no token.
  const { engine, metrics } = instrumentedEngine(t, store, { queryRate: 1, queryBurst: 1 });
  assert.deepEqual((await engine.run(session(), flowsQuery)).rows, [[rowsStored]]);
  await assert.rejects(engine.run(session(), flowsQuery), { code: '53400' });
  await engine.run(session(), 'SHOW server_version');
  assert.equal(refused(metrics, 'rate'), 1);
  assert.equal(refused(metrics, 'concurrency'), 0);
  assert.equal(refused(metrics, 'rows'), 0);
  assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '53400' }), 1);
  assert.equal(read(metrics, 'flowlens_query_flow_queries_total'), 1, 'the refused one never ran');
  assert.equal(read(metrics, 'flowlens_query_statements_total'), 3);
  assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'ok' }), 2);
  assert.equal(stage(metrics, 'plan'), 1);
});

test('a query over the rows limit is refused once planned: planned, never fanned out', async (t) => {
  const store = await storeWithFlows(t);
  const { engine, metrics } = instrumentedEngine(t, store, { maxRowsScanned: rowsStored - 1 });
  await assert.rejects(engine.run(session(), flowsQuery), { code: '53400' });
  assert.equal(refused(metrics, 'rows'), 1);
  assert.equal(refused(metrics, 'rate'), 0);
  assert.deepEqual([stage(metrics, 'plan'), stage(metrics, 'fanout'), stage(metrics, 'job')], [1, 0, 0]);
  assert.equal(metrics.histogram('flowlens_query_planned_jobs').count, 1);
});

test('concurrency refusals, cancellations and timeouts are counted; the running gauge follows', async (t) => {
  const store = await storeWithFlows(t);
  const stuck = new StuckExecutor();
  const { engine, metrics, clock } = instrumentedEngine(
    t,
    store,
    { maxConcurrentQueries: 1, queryTimeoutMs: 1000 },
    () => stuck,
  );
  const client = new AbortController();
  let reached = stuck.reached();
  const first = engine.run(session(), flowsQuery, { signal: client.signal });
  await reached;
  assert.equal(read(metrics, 'flowlens_query_running_queries'), 1);
  await assert.rejects(engine.run(session(), flowsQuery), { code: '53400' });
  assert.equal(refused(metrics, 'concurrency'), 1);
  client.abort();
  await assert.rejects(first, { code: '57014', message: /user request/ });
  assert.equal(read(metrics, 'flowlens_query_canceled_queries_total'), 1);
  assert.equal(read(metrics, 'flowlens_query_running_queries'), 0);

  reached = stuck.reached();
  const late = engine.run(session(), flowsQuery);
  await reached; // its timeout's timer was set when it was admitted
  clock.advance(1000);
  await assert.rejects(late, { code: '57014', message: /statement timeout/ });
  assert.equal(read(metrics, 'flowlens_query_timed_out_queries_total'), 1);
  assert.equal(read(metrics, 'flowlens_query_canceled_queries_total'), 1);
  assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '57014' }), 2);
  assert.equal(read(metrics, 'flowlens_query_errors_total', { code: '53400' }), 1);
  assert.equal(read(metrics, 'flowlens_query_statement_seconds', { outcome: 'error' }), 3);
});
