import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { QuerySession } from '../src/query/api.js';
import { createQueryEngine } from '../src/query/engine.js';
import { InProcessExecutor } from '../src/query/exec/inprocess-executor.js';
import type { ExecuteOptions, JobExecutor, JobSpec } from '../src/query/exec/job-contract.js';
import { QueryLimits, type QueryLimitsConfig } from '../src/query/runtime/query-limits.js';
import type { ScanJob } from '../src/store/backend.js';
import { ManualClock } from './helpers/manual-clock.js';
import { session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

/** The engine under the runtime's QueryLimits: which statements are limited, and how. */

const MINUTE = 60_000;
const rowsStored = 600;
const flowsQuery = 'SELECT count(*) FROM all_devices';

const unlimited: QueryLimitsConfig = {
  queryRate: 1e9,
  queryBurst: 1e9,
  maxConcurrentQueries: 1e9,
  maxRowsScanned: 1e12,
  queryTimeoutMs: 0,
};

/** An executor whose jobs wait until the test opens the gate (or the query is aborted). */
class GatedExecutor implements JobExecutor {
  started = 0;
  private open: () => void = () => {};
  private gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  constructor(private readonly inner: JobExecutor) {}

  release(): void {
    this.open();
  }

  async execute(spec: JobSpec, jobs: readonly ScanJob[], options: ExecuteOptions) {
    this.started++;
    const aborted = new Promise<never>((_, reject) =>
      options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true }),
    );
    aborted.catch(() => {});
    await Promise.race([this.gate, aborted]);
    return this.inner.execute(spec, jobs, options);
  }
}

async function setup(t: TestContext, config: Partial<QueryLimitsConfig>, gated = false) {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const last = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
  const minutes = [last, last - MINUTE, last - 2 * MINUTE];
  await store.append('acme', generateFlows({ seed: 3, rows: rowsStored, minutes, devices: [1, 2] }));
  const clock = new ManualClock();
  const limits = new QueryLimits({ ...unlimited, ...config }, clock);
  const executor = new GatedExecutor(new InProcessExecutor(store));
  if (!gated) executor.release();
  const engine = createQueryEngine({
    backend: store,
    executor,
    limits,
    queryTimeoutMs: config.queryTimeoutMs ?? 0,
  });
  return { engine, limits, clock, executor };
}

test('the query rate limits flows queries (53400, when to retry); catalog, SET and devices are not limited', async (t) => {
  const { engine, limits, clock } = await setup(t, { queryRate: 1, queryBurst: 2 });
  const s = session();
  for (let i = 0; i < 2; i++) assert.deepEqual((await engine.run(s, flowsQuery)).rows, [[rowsStored]]);
  await assert.rejects(engine.run(s, flowsQuery), (err: { code: string; message: string; hint: string }) => {
    assert.equal(err.code, '53400');
    assert.match(err.message, /too many queries for tenant "acme": limit 1 per second/);
    assert.match(err.hint, /^retry in \d+ ms$/);
    return true;
  });
  assert.equal((await engine.run(s, 'SHOW statement_timeout')).command, 'SHOW');
  assert.equal((await engine.run(s, "SET application_name = 'x'")).command, 'SET');
  assert.equal(
    (await engine.run(s, "SELECT relname FROM pg_class WHERE relname = 'devices'")).rows.length,
    1,
  );
  assert.equal((await engine.run(s, 'SELECT count(*) FROM devices')).rows[0]![0], 2);
  assert.deepEqual(
    (await engine.run(session('other'), flowsQuery)).rows,
    [[0]],
    'another tenant has a bucket of its own',
  );
  clock.advance(1000);
  assert.deepEqual((await engine.run(s, flowsQuery)).rows, [[rowsStored]], 'a token a second');
  assert.equal(limits.refused.rate, 1);
  assert.equal(engine.stats().errors['53400'], 1);
});

test('concurrent flows queries past the cap get 53400; the slot frees when a query ends', async (t) => {
  const { engine, executor } = await setup(t, { maxConcurrentQueries: 1 }, true);
  const s = session();
  const first = engine.run(s, flowsQuery);
  while (executor.started === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(engine.stats().running, 1);
  await assert.rejects(engine.run(s, flowsQuery), { code: '53400', message: /too many concurrent queries/ });
  executor.release();
  assert.deepEqual((await first).rows, [[rowsStored]]);
  assert.equal(engine.stats().running, 0);
  assert.deepEqual((await engine.run(s, flowsQuery)).rows, [[rowsStored]]);
});

test('a query over the rows limit is refused before it reads (53400 naming both numbers)', async (t) => {
  const { engine, executor } = await setup(t, { maxRowsScanned: rowsStored - 1 });
  await assert.rejects(engine.run(session(), flowsQuery), {
    code: '53400',
    message: `query would scan ${rowsStored} rows, over the limit of ${rowsStored - 1} rows per query for tenant "acme"`,
  });
  assert.equal(executor.started, 0);
  // One device's rows (its table) are under the limit.
  const one = await engine.run(session(), 'SELECT count(*) FROM "router-1"');
  assert.ok((one.rows[0]![0] as number) < rowsStored);
});

test("statement_timeout lowers the server's timeout; the client's abort is a cancel, counted apart", async (t) => {
  const { engine, clock } = await setup(t, { queryTimeoutMs: 10_000 }, true);
  const s: QuerySession = { ...session(), settings: new Map([['statement_timeout', '250']]) };
  const timedOut = engine.run(s, flowsQuery);
  await new Promise((resolve) => setImmediate(resolve));
  clock.advance(249);
  assert.equal(engine.stats().timedOut, 0);
  clock.advance(1);
  await assert.rejects(timedOut, { code: '57014', message: 'canceling statement due to statement timeout' });
  // A longer statement_timeout does not raise the server's 10 s.
  const capped = engine.run({ ...s, settings: new Map([['statement_timeout', '1min']]) }, flowsQuery);
  await new Promise((resolve) => setImmediate(resolve));
  clock.advance(10_000);
  await assert.rejects(capped, { code: '57014', message: 'canceling statement due to statement timeout' });

  const client = new AbortController();
  const canceled = engine.run(session(), flowsQuery, { signal: client.signal });
  await new Promise((resolve) => setImmediate(resolve));
  client.abort();
  await assert.rejects(canceled, { code: '57014', message: 'canceling statement due to user request' });
  const stats = engine.stats();
  assert.deepEqual([stats.timedOut, stats.canceled, stats.running], [2, 1, 0]);
  assert.equal(clock.pendingTimers, 0, 'every timer cleared');
});

test('compat statements: described through describeCompat without running; parameters reach them', async (t) => {
  const { engine } = await setup(t, {});
  const s = session();
  assert.deepEqual(await engine.describe(s, 'SHOW statement_timeout'), {
    fields: [{ name: 'statement_timeout', type: 'text' }],
    paramTypes: [],
  });
  // SET returns no rows at all: the wire server answers its Describe with NoData.
  assert.deepEqual(await engine.describe(s, "SET statement_timeout = '5s'"), {
    fields: [],
    paramTypes: [],
    noData: true,
  });
  assert.equal(s.settings.size, 0, 'describe did not SET');
  const catalog = await engine.describe(s, 'SELECT relname FROM pg_class WHERE relname = $1');
  assert.deepEqual(catalog.paramTypes, ['text']);
  assert.deepEqual(
    catalog.fields.map((f) => f.name),
    ['relname'],
  );
  const sql = 'SELECT relname FROM pg_class WHERE relname = $1';
  assert.deepEqual((await engine.run(s, sql, { params: ['devices'] })).rows, [['devices']]);
  assert.deepEqual((await engine.run(s, sql, { params: ['nosuch'] })).rows, []);
});
