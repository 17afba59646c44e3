import { QueryError, type SqlStateCode } from '../errors.js';
import { charPosition } from './positions.js';

/** Throws QueryErrors that point at a node of the statement (`location` is libpg-query's byte offset). */
export class ErrorSite {
  constructor(readonly sql: string) {}

  at(code: SqlStateCode, message: string, location?: number, hint?: string): QueryError {
    return new QueryError(code, message, { position: charPosition(this.sql, location), hint });
  }

  /** Pointing at the first whole-word occurrence of a keyword (for nodes without a location). */
  atKeyword(code: SqlStateCode, message: string, keyword: string): QueryError {
    const m = new RegExp(`\\b${keyword}\\b`, 'i').exec(this.sql);
    const index = m?.index ?? this.sql.search(/\S/);
    const position = index >= 0 ? [...this.sql.slice(0, index)].length + 1 : undefined;
    return new QueryError(code, message, { position });
  }
}

/** PostgreSQL's display names of types, as its error messages print them. */
export const typeDisplayName: Readonly<Record<string, string>> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  text: 'text',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  unknown: 'unknown',
};
