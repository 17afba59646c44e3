import type { TableInfo } from '../api.js';
import { SqlState } from '../errors.js';
import type { PlanSource } from '../plan/plan.js';
import { type Fields, location, nodeBody, nodeType } from './ast.js';
import type { ErrorSite } from './errors.js';
import { Scope } from './scope.js';

export interface ResolvedFrom {
  readonly scope: Scope;
  readonly source: PlanSource;
}

/** The FROM clause: one of the tenant's tables (schema public at most), or none. */
export function resolveFrom(from: unknown, tables: readonly TableInfo[], site: ErrorSite): ResolvedFrom {
  const items = Array.isArray(from) ? from : [];
  if (items.length === 0) return { scope: new Scope(undefined, '', site), source: { kind: 'none' } };
  if (items.length > 1) {
    throw site.at(
      SqlState.featureNotSupported,
      'joins are not supported (FROM lists one table)',
      location(items[1]),
    );
  }
  const item = items[0];
  switch (nodeType(item)) {
    case 'RangeVar':
      return rangeVar(nodeBody(item), tables, site);
    case 'JoinExpr':
      throw site.at(SqlState.featureNotSupported, 'joins are not supported', location(item));
    case 'RangeSubselect':
      throw site.at(SqlState.featureNotSupported, 'subqueries in FROM are not supported', location(item));
    case 'RangeTableSample':
      throw site.at(SqlState.featureNotSupported, 'TABLESAMPLE is not supported', location(item));
    case 'RangeFunction':
      throw site.at(SqlState.featureNotSupported, 'functions in FROM are not supported', location(item));
    default:
      throw site.at(SqlState.featureNotSupported, 'this FROM item is not supported', location(item));
  }
}

function rangeVar(rv: Fields, tables: readonly TableInfo[], site: ErrorSite): ResolvedFrom {
  const loc = typeof rv.location === 'number' ? rv.location : -1;
  const name = String(rv.relname ?? '');
  const schema = rv.schemaname as string | undefined;
  const catalog = rv.catalogname as string | undefined;
  const table = tables.find((t) => t.name === name);
  const inPublic = (schema === undefined || schema === 'public') && catalog === undefined;
  if (table === undefined && name === 'metrics' && inPublic) {
    throw site.at(
      SqlState.insufficientPrivilege,
      'permission denied for table metrics',
      loc,
      'the metrics table (flowlens\'s own metrics) is readable by admin users ("admin": true in the server config)',
    );
  }
  if (table === undefined || !inPublic) {
    const qualified = [catalog, schema, name].filter((x) => x !== undefined).join('.');
    throw site.at(SqlState.undefinedTable, `relation "${qualified}" does not exist`, loc);
  }
  if (rv.inh === false) {
    throw site.at(SqlState.featureNotSupported, 'FROM ONLY is not supported', loc);
  }
  const alias = (rv.alias as { aliasname?: string; colnames?: unknown[] } | undefined) ?? undefined;
  if (alias?.colnames !== undefined && alias.colnames.length > 0) {
    throw site.at(SqlState.featureNotSupported, 'column aliases in FROM are not supported', loc);
  }
  const scope = new Scope(table, alias?.aliasname ?? table.name, site);
  switch (table.kind) {
    case 'flows':
      return {
        scope,
        source: { kind: 'flows', devices: table.deviceId === undefined ? undefined : [table.deviceId] },
      };
    case 'devices':
      return { scope, source: { kind: 'devices' } };
    case 'table':
      return {
        scope,
        source: {
          kind: 'table',
          table: table.name,
          columns: table.columns,
          tenantColumn: table.tenantColumn,
        },
      };
  }
}
