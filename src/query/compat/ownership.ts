import type { TableInfo } from '../api.js';
import { QueryError, SqlState } from '../errors.js';
import { catalogColumns } from './catalog/columns.js';
import { baseName, type Node, names, rangeVars } from './sql/ast.js';
import { functions } from './sql/functions.js';

/** Types whose arithmetic and literals the engine owns (compat has no interval or time arithmetic). */
const engineTypes = new Set([
  'interval',
  'timestamp',
  'timestamptz',
  'date',
  'time',
  'timetz',
  'inet',
  'cidr',
  'macaddr',
]);

/**
 * Whether a SELECT is compat's: it reads only catalog relations, or reads nothing and uses only
 * functions compat knows (SELECT 1, SELECT version(), …). Reading both catalog and flow tables is
 * an error; anything else is the engine's.
 */
export function isMine(select: Node, tables: readonly TableInfo[]): boolean {
  const tenant = new Set(tables.map((t) => t.name));
  const vars = rangeVars(select);
  if (vars.length > 0) {
    const catalog = vars.map((v) => isCatalogRelation(v, tenant));
    if (catalog.every((c) => !c)) return false;
    if (catalog.some((c) => !c))
      throw new QueryError(
        SqlState.featureNotSupported,
        'catalog relations (pg_catalog, information_schema) cannot be combined with flow tables in one query',
      );
    return true;
  }
  return onlyCompatExpressions(select);
}

function isCatalogRelation(v: Node, tenant: ReadonlySet<string>): boolean {
  const schema = v.schemaname as string | undefined;
  const name = v.relname as string;
  // Qualified catalog names are always compat's (an unknown one fails there with 42P01).
  if (schema === 'information_schema' || schema === 'pg_catalog') return true;
  if (schema !== undefined) return false;
  return (catalogColumns[name] !== undefined || name.startsWith('pg_')) && !tenant.has(name);
}

/** Functions compat runs in FROM (over numbers and arrays; time series stay the engine's). */
const rowSources = new Set(['generate_series', 'unnest']);

function onlyCompatExpressions(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(onlyCompatExpressions);
  if (node === null || typeof node !== 'object') return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'FuncCall') {
      const fname = baseName((value as Node).funcname);
      if (functions[fname] === undefined && !rowSources.has(fname)) return false;
    }
    if (key === 'TypeCast' && engineTypes.has(names((value as Node).typeName.names).pop() ?? ''))
      return false;
    if (
      key === 'SQLValueFunction' &&
      !String((value as Node).op).match(/USER|ROLE|CATALOG|SCHEMA|CURRENT_TIMESTAMP/)
    )
      return false;
    if (!onlyCompatExpressions(value)) return false;
  }
  return true;
}
