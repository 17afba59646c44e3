import type { QueryResult, Value } from '../api.js';
import type { Catalog, CVal } from './catalog/catalog.js';
import { compatField, type PgType } from './pg-types.js';
import { renderText } from './sql/casts.js';
import type { ResultSet } from './sql/scope.js';

/** An interpreter result as a QueryResult: exact catalog types on the fields, contract Values in the rows. */
export function renderResult(result: ResultSet, catalog: Catalog): QueryResult {
  const fields = result.columns.map((c) => compatField(c.name, c.type));
  const rows = result.rows.map((row) => row.map((v, i) => toValue(v, result.columns[i]!.type, catalog)));
  return { fields, rows, command: `SELECT ${rows.length}` };
}

function toValue(v: CVal, type: PgType, catalog: Catalog): Value {
  if (v === null) return null;
  if (Array.isArray(v) || type.sql === 'text' || type.sql === 'unknown') return renderText(v, type, catalog);
  switch (type.sql) {
    case 'bool':
      return typeof v === 'boolean' ? v : v === 't' || v === 'true';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float8':
    case 'numeric':
    case 'timestamptz':
    case 'interval':
      return typeof v === 'number' || typeof v === 'bigint' ? v : Number(v);
    default:
      return typeof v === 'boolean' ? String(v) : v;
  }
}
