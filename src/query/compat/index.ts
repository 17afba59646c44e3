import type { QueryResult, QuerySession, TableInfo } from '../api.js';

/**
 * Statements about the session or the catalog rather than about flows: SET / SHOW / RESET,
 * BEGIN / COMMIT / ROLLBACK, DISCARD, DEALLOCATE, and SELECTs over pg_catalog and
 * information_schema or of server functions (version(), current_schema(), …) — enough that psql's
 * \d commands, drivers and Grafana work. The engine asks here first; undefined means "not mine".
 */
export interface CompatContext {
  readonly session: QuerySession;
  readonly tables: readonly TableInfo[];
  /** The original statement text (for messages and positions). */
  readonly sql: string;
}

/** `stmt` is the statement node of libpg-query's parse result (e.g. { SelectStmt: … }). */
export function answerCompat(_stmt: unknown, _context: CompatContext): QueryResult | undefined {
  return undefined;
}
