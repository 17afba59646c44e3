import type { Field, TableInfo } from '../api.js';
import type { QueryPlan } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { loadSqlParser as load, type ParsedStatement, parseStatements as parse } from './parser.js';
import { planSelectStatement } from './select.js';

/**
 * The SQL front: libpg-query's parser, then validation against the tenant's tables, constant
 * folding and planning into a QueryPlan (src/query/plan/plan.ts). The SQL it accepts, and how it
 * maps onto PostgreSQL's semantics, is described in docs/query.md ("SQL supported").
 */

/** Loads the parser (WebAssembly) once; every other function needs it loaded. */
export async function loadSqlParser(): Promise<void> {
  await load();
}

export type { ParsedStatement };

/**
 * Parses a query string into its statements; syntax errors throw QueryError 42601 with position.
 * Each statement's node has locations relative to its own `text` (the whole string when it holds
 * one statement), so plan it with `sql: text`.
 */
export function parseStatements(sql: string): ParsedStatement[] {
  return parse(sql);
}

export interface PlanContext {
  /** The full statement text (positions in errors refer to it). */
  readonly sql: string;
  readonly tables: readonly TableInfo[];
  /** now() in ms. */
  readonly now: number;
  /** $n values in text form (undefined while describing: plan with placeholders typed only). */
  readonly params?: readonly (string | null)[] | undefined;
  readonly paramTypes?: readonly SqlType[] | undefined;
}

export interface PlannedSelect {
  readonly plan: QueryPlan;
  /** Output columns: names as PostgreSQL names them (alias, column, function name, ?column?). */
  readonly fields: readonly Field[];
  /** The type of each $n. */
  readonly paramTypes: readonly SqlType[];
}

/**
 * Validates and plans a SELECT statement node. Throws QueryError: 0A000 for unsupported
 * constructs (naming them), 42P01 unknown table, 42703 unknown column, 42804 type mismatch, …,
 * with the 1-based position in `sql`.
 */
export function planSelect(stmt: unknown, context: PlanContext): PlannedSelect {
  return planSelectStatement(stmt, context);
}
