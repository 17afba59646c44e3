import { loadModule, parseSync } from 'libpg-query';
import type { QueryResult, QuerySession, TableInfo } from '../api.js';
import { tenantTables } from '../tables.js';
import { answerCompat } from './index.js';

/** The tables the compat tests see: all_devices, devices and one device table. */
export const testTables: TableInfo[] = tenantTables([
  { id: 3, name: 'edge-1', rows: 0, firstBucket: 0, lastBucket: 0 },
]);

export function newSession(user = 'flowlens'): QuerySession {
  return { user, tenant: 'default', settings: new Map() };
}

await loadModule();

/** Parses one statement and asks compat; undefined when it is not compat's. */
export function compat(
  sql: string,
  session: QuerySession = newSession(),
  params?: (string | null)[],
): QueryResult | undefined {
  const stmt = parseSync(sql).stmts?.[0]?.stmt;
  return answerCompat(stmt, { session, tables: testTables, sql, params });
}

/** Like compat(), for statements that must be compat's. */
export function run(sql: string, session?: QuerySession, params?: (string | null)[]): QueryResult {
  const result = compat(sql, session, params);
  if (result === undefined) throw new Error(`not answered by compat: ${sql}`);
  return result;
}
