import type { QuerySession } from '../../api.js';
import { QueryError, SqlState } from '../../errors.js';
import type { Catalog, Column, CVal } from '../catalog/catalog.js';
import type { Node } from './ast.js';

/** One relation of a FROM clause with the current row (null: the unmatched side of an outer join). */
export interface Binding {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly row: readonly CVal[] | null;
}

/** The rows an expression sees: this query level's bindings, then the enclosing query's (correlation). */
export interface Scope {
  readonly bindings: readonly Binding[];
  readonly outer?: Scope | undefined;
  /** Inside GROUP BY or an aggregate query: every row of the group, for aggregate calls. */
  readonly group?: readonly Scope[] | undefined;
}

export interface ResultSet {
  readonly columns: readonly Column[];
  readonly rows: CVal[][];
}

export interface EvalContext {
  readonly catalog: Catalog;
  readonly session: QuerySession;
  readonly params: readonly (string | null)[];
  /** now() for the statement, ms. */
  readonly now: number;
  /** Runs a (sub)query with `outer` as the enclosing scope. */
  readonly runSelect: (stmt: Node, outer: Scope | undefined) => ResultSet;
}

export const emptyScope: Scope = { bindings: [] };

/** The binding and column index a column reference names; undefined when not in this scope level. */
export function resolveColumn(
  fields: readonly string[],
  scope: Scope,
  location: number | undefined,
): { binding: Binding; index: number } | undefined {
  const column = fields[fields.length - 1]!;
  const qualifier = fields.length >= 2 ? fields[fields.length - 2] : undefined;
  for (let s: Scope | undefined = scope; s !== undefined; s = s.outer) {
    let found: { binding: Binding; index: number } | undefined;
    for (const binding of s.bindings) {
      if (qualifier !== undefined && binding.name !== qualifier) continue;
      const index = binding.columns.findIndex((c) => c.name === column);
      if (index < 0) continue;
      if (found !== undefined)
        throw new QueryError(SqlState.ambiguousColumn, `column reference "${column}" is ambiguous`, {
          position: position(location),
        });
      found = { binding, index };
    }
    if (found !== undefined) return found;
    if (qualifier !== undefined && s.bindings.some((b) => b.name === qualifier))
      throw new QueryError(SqlState.undefinedColumn, `column ${qualifier}.${column} does not exist`, {
        position: position(location),
      });
  }
  throw new QueryError(
    SqlState.undefinedColumn,
    qualifier === undefined
      ? `column "${column}" does not exist`
      : `missing FROM-clause entry for table "${qualifier}"`,
    { position: position(location) },
  );
}

/** libpg-query locations are 0-based byte offsets; ErrorResponse wants 1-based characters. */
export function position(location: number | undefined): number | undefined {
  return location === undefined || location < 0 ? undefined : location + 1;
}
