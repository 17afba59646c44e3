import type { QueryResult, QuerySession, StatementDescription, TableInfo } from '../api.js';
import { QueryError, SqlState } from '../errors.js';
import { Catalog } from './catalog/catalog.js';
import { catalogColumns } from './catalog/columns.js';
import { isMine } from './ownership.js';
import { renderResult } from './render.js';
import { answerDeallocate, answerDiscard, answerSet, answerShow, answerTransaction } from './set-show.js';
import type { Node } from './sql/ast.js';
import { tagOf } from './sql/ast.js';
import type { EvalContext, ResultSet } from './sql/scope.js';
import { runSelect } from './sql/select.js';

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
  /** Values of $1, $2, … in text form (extended protocol). */
  readonly params?: readonly (string | null)[] | undefined;
  /** now() for the statement (ms); the wall clock when absent. */
  readonly now?: number | undefined;
}

/** `stmt` is the statement node of libpg-query's parse result (e.g. { SelectStmt: … }). */
export function answerCompat(stmt: unknown, context: CompatContext): QueryResult | undefined {
  const [tag, body] = tagOf(stmt as Node);
  switch (tag) {
    case 'VariableSetStmt':
      return answerSet(body, context.session);
    case 'VariableShowStmt':
      return answerShow(body.name as string, context.session);
    case 'TransactionStmt':
      return answerTransaction(body);
    case 'DiscardStmt':
      return answerDiscard(body, context.session);
    case 'DeallocateStmt':
      return answerDeallocate(body);
    case 'SelectStmt': {
      if (!isMine(body, context.tables)) return undefined;
      const catalog = new Catalog(context);
      return renderResult(select(body, catalog, context, context.params ?? []), catalog);
    }
    default:
      return undefined;
  }
}

/**
 * What answerCompat would return, without its effects (extended protocol Describe): SET changes
 * nothing here, and a SELECT runs with every $n NULL. Undefined when the statement is not compat's.
 */
export function describeCompat(stmt: unknown, context: CompatContext): StatementDescription | undefined {
  const [tag, body] = tagOf(stmt as Node);
  const paramTypes = Array.from({ length: maxParam(body) }, () => 'text' as const);
  switch (tag) {
    case 'VariableSetStmt':
    case 'TransactionStmt':
    case 'DiscardStmt':
    case 'DeallocateStmt':
      return { fields: [], paramTypes, noData: true };
    case 'VariableShowStmt':
      return { fields: answerShow(body.name as string, context.session).fields, paramTypes };
    case 'SelectStmt': {
      if (!isMine(body, context.tables)) return undefined;
      const catalog = new Catalog(context);
      const nulls = paramTypes.map(() => null);
      return { fields: renderResult(select(body, catalog, context, nulls), catalog).fields, paramTypes };
    }
    default:
      return undefined;
  }
}

/** Names of the catalog relations compat answers, for the engine's "unknown table" messages. */
export const catalogRelationNames: readonly string[] = Object.keys(catalogColumns);

function select(
  body: Node,
  catalog: Catalog,
  context: CompatContext,
  params: readonly (string | null)[],
): ResultSet {
  const ctx: EvalContext = {
    catalog,
    session: context.session,
    params,
    now: context.now ?? Date.now(),
    runSelect: (stmt, outer) => runSelect(stmt, outer, ctx),
  };
  try {
    return runSelect(body, undefined, ctx);
  } catch (err) {
    if (err instanceof QueryError) throw err;
    throw new QueryError(SqlState.internalError, `catalog query failed: ${(err as Error).message}`);
  }
}

function maxParam(node: unknown): number {
  let max = 0;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n !== null && typeof n === 'object') {
      for (const [key, value] of Object.entries(n)) {
        if (key === 'ParamRef') max = Math.max(max, (value as Node).number as number);
        visit(value);
      }
    }
  };
  visit(node);
  return max;
}
