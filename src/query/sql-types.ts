import type { ColumnDef, ColumnType } from '../flow/schema.js';

/**
 * The SQL types flowlens speaks, named as PostgreSQL names them, with their type OIDs (what a
 * RowDescription carries; see pg_type.dat in PostgreSQL's sources).
 */
export type SqlType =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'float8'
  | 'text'
  | 'inet'
  | 'cidr'
  | 'macaddr'
  | 'timestamptz'
  | 'interval'
  | 'unknown';

export const sqlTypeOid: Readonly<Record<SqlType, number>> = {
  bool: 16,
  int2: 21,
  int4: 23,
  int8: 20,
  numeric: 1700,
  float8: 701,
  text: 25,
  inet: 869,
  cidr: 650,
  macaddr: 829,
  timestamptz: 1184,
  interval: 1186,
  unknown: 705,
};

/** Bytes of the binary form, -1 for variable length (RowDescription's typlen). */
export const sqlTypeSize: Readonly<Record<SqlType, number>> = {
  bool: 1,
  int2: 2,
  int4: 4,
  int8: 8,
  numeric: -1,
  float8: 8,
  text: -1,
  inet: -1,
  cidr: -1,
  macaddr: 6,
  timestamptz: 8,
  interval: 16,
  unknown: -2,
};

/**
 * The SQL type of each physical column type. Unsigned integers take the smallest signed PostgreSQL
 * type that holds every value (u32 does not fit int4); u64 counters are exact up to 2^53 and are
 * int8. Stored columns are never NULL: zero (or '') means "not reported".
 */
const byColumnType: Readonly<Record<ColumnType, SqlType>> = {
  u8: 'int2',
  u16: 'int4',
  u32: 'int8',
  u64: 'int8',
  time: 'timestamptz',
  addr: 'inet',
  mac: 'macaddr',
  string: 'text',
};

export function columnSqlType(column: Pick<ColumnDef, 'type'>): SqlType {
  return byColumnType[column.type];
}
