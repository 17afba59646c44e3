import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanCache, tablesKey } from './plan-cache.js';
import { loadSqlParser, type PlanContext, type PlannedSelect, planSelect } from './sql/index.js';
import { ParseCache } from './sql/parse-cache.js';
import { tenantTables } from './tables.js';

const device = (id: number, name: string) => ({ id, name, rows: 1, firstBucket: 0, lastBucket: 0 });

test('the parse cache hands out the same frozen statements per text, least recently used evicted', async () => {
  await loadSqlParser();
  const cache = new ParseCache(2);
  const a = cache.parse('SELECT 1');
  assert.equal(cache.parse('SELECT 1'), a);
  assert.ok(Object.isFrozen(a[0]!.stmt), 'shared trees cannot be changed');
  cache.parse('SELECT 2');
  cache.parse('SELECT 1');
  cache.parse('SELECT 3'); // evicts SELECT 2, the least recently used
  assert.equal(cache.parse('SELECT 1'), a);
  assert.throws(() => cache.parse('SELEC 1'), { code: '42601' });
  assert.throws(() => cache.parse('SELEC 1'), { code: '42601' }, 'errors are not cached');
});

test('the plan cache plans again when now(), the tables or the parameters change', async () => {
  await loadSqlParser();
  const stmt = new ParseCache().parse(
    "SELECT count(*) FROM all_devices WHERE i_start_time >= now() - interval '5 min' AND in_pkts > $1",
  )[0]!;
  const cache = new PlanCache();
  let planned = 0;
  const plan = (now: number, devices: ReturnType<typeof device>[], params: string[]): PlannedSelect => {
    const context: PlanContext = { sql: stmt.text, tables: tenantTables(devices), now, params };
    return cache.plan(stmt.stmt, context, tablesKey(devices, false), () => {
      planned++;
      return planSelect(stmt.stmt, context);
    });
  };
  const one = [device(1, 'r1')];
  const first = plan(600_000, one, ['5']);
  assert.equal(plan(600_000, one, ['5']), first);
  assert.equal(planned, 1);
  // The time range is recomputed from the new now(): 5 minutes before it.
  assert.equal(plan(660_000, one, ['5']).plan.from, 360_000);
  assert.notEqual(plan(600_000, one, ['6']), first);
  assert.notEqual(plan(600_000, [device(1, 'r1'), device(2, 'r2')], ['5']), first);
  assert.notEqual(tablesKey(one, true), tablesKey(one, false), 'admins see more tables');
  assert.notEqual(tablesKey([device(1, 'r2')], false), tablesKey(one, false), 'a renamed device');
  assert.equal(planned, 4);
});
