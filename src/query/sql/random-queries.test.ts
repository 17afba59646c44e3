import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError } from '../errors.js';
import type { Expr, QueryPlan } from '../plan/plan.js';
import { plan } from './testing.js';

/**
 * Random statements from (and around) the supported grammar, type errors included: planning must
 * end in a plan that keeps the contract of plan.ts or in a QueryError that is not internal —
 * never in a TypeError, a stack overflow or an XX000.
 */

let seed = 20261121;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return Math.floor((seed / 2147483648) * n);
};
const pick = <T>(a: readonly T[]): T => a[rand(a.length)]!;

const columns = [
  'src_as',
  'protocol',
  'l4_dst_port',
  'in_bytes',
  'src_addr',
  'i_start_time',
  'i_device_name',
  'appl_latency_ms',
];
const literals = [
  '1',
  '0',
  '-3',
  '1.5',
  "'x'",
  'NULL',
  'true',
  "'10.0.0.0/8'",
  "'10.0.0.0/8'::cidr",
  "interval '5 min'",
  "'2026-11-21'",
  'now()',
  '$1',
  "'1 month'::interval",
];

function expr(depth: number): string {
  if (depth <= 0 || rand(4) === 0) return rand(2) ? pick(columns) : pick(literals);
  const e = () => expr(depth - 1);
  switch (rand(16)) {
    case 0:
      return `${e()} ${pick(['+', '-', '*', '/', '%', '||'])} ${e()}`;
    case 1:
      return `${e()} ${pick(['=', '<>', '<', '>=', '<<', '<<=', '>>'])} ${e()}`;
    case 2:
      return `(${e()} ${pick(['AND', 'OR'])} ${e()})`;
    case 3:
      return `NOT ${e()}`;
    case 4:
      return `${e()} ${pick(['IN', 'NOT IN'])} (${e()}, ${e()})`;
    case 5:
      return `${e()} BETWEEN ${e()} AND ${e()}`;
    case 6:
      return `${e()} IS ${pick(['NULL', 'NOT NULL', 'TRUE', 'DISTINCT FROM 1'])}`;
    case 7:
      return `${pick(['coalesce', 'nullif', 'greatest'])}(${e()}, ${e()})`;
    case 8:
      return `CASE WHEN ${e()} THEN ${e()} ${rand(2) ? `ELSE ${e()}` : ''} END`;
    case 9:
      return `${pick(['sum', 'count', 'min', 'max', 'avg', 'approx_count_distinct'])}(${rand(5) ? '' : 'DISTINCT '}${e()})${rand(4) ? '' : ` FILTER (WHERE ${e()})`}`;
    case 10:
      return `date_trunc(${pick(["'hour'", "'minute'", "'quarter'", '$1'])}, ${e()})`;
    case 11:
      return `time_bucket(${pick(["'5 min'", "'1 month'", "'0 s'"])}, ${e()})`;
    case 12:
      return `${pick(['host', 'masklen', 'network', 'lower', 'length', 'abs', 'round'])}(${e()})`;
    case 13:
      return `${e()}::${pick(['int', 'bigint', 'text', 'inet', 'float8', 'numeric', 'interval', 'timestamptz'])}`;
    case 14:
      return `percentile_cont(${pick(['0.5', '1.5', 'NULL'])}) WITHIN GROUP (ORDER BY ${e()})`;
    default:
      return `-${e()}`;
  }
}

function statement(): string {
  const items = Array.from({ length: 1 + rand(3) }, () => `${expr(3)}${rand(3) ? '' : ` AS a${rand(2)}`}`);
  let sql = `SELECT ${rand(8) ? '' : 'DISTINCT '}${items.join(', ')} FROM ${pick(['all_devices', 'edge1', 'all_devices x'])}`;
  if (rand(2)) sql += ` WHERE ${expr(3)}`;
  if (rand(3) === 0) sql += ` GROUP BY ${pick(['1', 'src_as', expr(2), 'a0'])}`;
  if (rand(4) === 0) sql += ` HAVING ${expr(2)}`;
  if (rand(3) === 0) sql += ` ORDER BY ${pick(['1', 'a1', expr(2)])} ${pick(['', 'DESC', 'NULLS FIRST'])}`;
  if (rand(3) === 0) sql += ` LIMIT ${pick(['10', '$1', 'ALL', 'NULL'])}`;
  return sql;
}

function checkExpr(e: Expr | undefined, perRow: boolean, read: Set<string>): void {
  if (e === undefined) return;
  assert.notEqual(e.type, 'unknown');
  if (perRow) assert.ok(e.kind !== 'key' && e.kind !== 'agg', 'a per-group ref in a per-row expression');
  else assert.notEqual(e.kind, 'column', 'a column in a per-group expression');
  if (e.kind === 'column') read.add(e.name);
  if (e.kind === 'call') for (const a of e.args) checkExpr(a, perRow, read);
}

function checkPlan(p: QueryPlan): void {
  const read = new Set<string>();
  checkExpr(p.where, true, read);
  for (const g of p.groupBy) checkExpr(g, true, read);
  for (const a of p.aggregates) {
    checkExpr(a.arg, true, read);
    checkExpr(a.filter, true, read);
  }
  for (const o of p.output) checkExpr(o.expr, !p.aggregate, read);
  for (const o of p.orderBy) checkExpr(o.expr, !p.aggregate, read);
  checkExpr(p.having, false, read);
  assert.deepEqual([...read].sort(), [...p.columns].sort());
  if (!p.aggregate) assert.deepEqual(p.groupBy, []);
}

test('random statements plan within the contract or fail with a QueryError', () => {
  let planned = 0;
  for (let i = 0; i < 3000; i++) {
    const sql = statement();
    const params = rand(2) ? undefined : [pick(['5', 'abc', 'hour', '0.5'])];
    try {
      const result = plan(sql, params === undefined ? {} : { params });
      checkPlan(result.plan);
      assert.deepEqual(
        result.fields.map((f) => f.type),
        result.plan.output.map((o) => o.expr.type),
      );
      planned++;
    } catch (err) {
      if (!(err instanceof QueryError) || err.code === 'XX000') assert.fail(`${sql}: ${String(err)}`);
    }
  }
  assert.ok(planned > 30, `only ${planned} statements planned`);
});
