import { SqlState } from '../errors.js';
import type { SqlType } from '../sql-types.js';
import { type Fields, integerConst, names } from './ast.js';
import type { ErrorSite } from './errors.js';

/** A TypeName node's SQL type; `timestamp`, `date` and `real` map to the nearest type flowlens has. */
export interface ResolvedTypeName {
  readonly type: SqlType;
  /** timestamp without time zone: a written zone is ignored. */
  readonly withoutZone: boolean;
  /** interval '5' minute: the fields typmod. */
  readonly typmod: number | undefined;
  /** date: a timestamptz truncated to midnight UTC. */
  readonly date: boolean;
}

const byName: Readonly<Record<string, SqlType>> = {
  bool: 'bool',
  boolean: 'bool',
  int2: 'int2',
  smallint: 'int2',
  int4: 'int4',
  int: 'int4',
  integer: 'int4',
  int8: 'int8',
  bigint: 'int8',
  numeric: 'numeric',
  decimal: 'numeric',
  float8: 'float8',
  float4: 'float8',
  real: 'float8',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  char: 'text',
  name: 'text',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  timestamptz: 'timestamptz',
  timestamp: 'timestamptz',
  date: 'timestamptz',
  interval: 'interval',
};

export function resolveTypeName(typeName: Fields, site: ErrorSite, loc: number): ResolvedTypeName {
  const parts = names(typeName.names);
  const name = parts[parts.length - 1] ?? '';
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  if (Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0) {
    throw site.at(SqlState.featureNotSupported, 'array types are not supported', loc);
  }
  const type = byName[name];
  if (type === undefined || (schema !== undefined && schema !== 'pg_catalog' && schema !== 'public')) {
    throw site.at(SqlState.undefinedObject, `type "${parts.join('.')}" does not exist`, loc);
  }
  const mods = Array.isArray(typeName.typmods) ? typeName.typmods : [];
  const typmod = name === 'interval' && mods.length > 0 ? integerConst(mods[0]) : undefined;
  return { type, withoutZone: name === 'timestamp' || name === 'date', typmod, date: name === 'date' };
}
