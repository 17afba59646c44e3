import assert from 'node:assert/strict';
import { QueryError } from '../errors.js';
import type { Expr, QueryPlan } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { tenantTables } from '../tables.js';
import { loadSqlParser, type PlannedSelect, parseStatements, planSelect } from './index.js';

/** Shared by the SQL front's tests: plan a statement against a tenant with one device, 'edge1' (id 7). */

await loadSqlParser();

export const tables = tenantTables([
  { id: 7, name: 'edge1', rows: 10, firstBucket: 0, lastBucket: 0 },
  { id: 9, name: 'Core-Router', rows: 10, firstBucket: 0, lastBucket: 0 },
]);

/** 2026-11-21 10:07:30 UTC. */
export const NOW = Date.UTC(2026, 10, 21, 10, 7, 30);

export interface PlanOptions {
  readonly params?: readonly (string | null)[];
  readonly paramTypes?: readonly SqlType[];
}

export function plan(sql: string, options: PlanOptions = {}): PlannedSelect {
  const statements = parseStatements(sql);
  assert.equal(statements.length, 1, `one statement in ${sql}`);
  const st = statements[0]!;
  return planSelect(st.stmt, { sql: st.text, tables, now: NOW, ...options });
}

export function planOf(sql: string, options: PlanOptions = {}): QueryPlan {
  return plan(sql, options).plan;
}

/** The QueryError planning `sql` raises. */
export function planError(sql: string, options: PlanOptions = {}): QueryError {
  try {
    plan(sql, options);
  } catch (err) {
    assert.ok(err instanceof QueryError, `QueryError expected, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected an error planning: ${sql}`);
}

/**
 * Asserts code and position; the position is given as the text it must point at (its first
 * occurrence) or as the 1-based character position itself.
 */
export function assertError(
  sql: string,
  code: string,
  at: string | number | undefined,
  message?: RegExp,
): void {
  const err = planError(sql);
  assert.equal(err.code, code, `${sql}: ${err.message}`);
  if (typeof at === 'number') assert.equal(err.position, at, `${sql}: ${err.message} at ${err.position}`);
  else if (at !== undefined) {
    const index = sql.indexOf(at);
    assert.ok(index >= 0, `'${at}' not in the query`);
    assert.equal(
      err.position,
      [...sql.slice(0, index)].length + 1,
      `${sql}: ${err.message} at ${err.position}`,
    );
  }
  if (message !== undefined) assert.match(err.message, message);
}

// Expression builders for expected plans.
export const col = (name: string, type: SqlType): Expr => ({ kind: 'column', name, type });
export const num = (value: number, type: SqlType = 'int4'): Expr => ({ kind: 'const', type, value });
export const text = (value: string): Expr => ({ kind: 'const', type: 'text', value });
export const fn = (f: string, type: SqlType, ...args: Expr[]): Expr => ({
  kind: 'call',
  fn: f as never,
  args,
  type,
});
export const ts = (iso: string): Expr => ({ kind: 'const', type: 'timestamptz', value: Date.parse(iso) });
export const key = (index: number, type: SqlType): Expr => ({ kind: 'key', index, type });
export const agg = (index: number, type: SqlType): Expr => ({ kind: 'agg', index, type });
