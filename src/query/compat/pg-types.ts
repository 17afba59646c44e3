import type { Field } from '../api.js';
import { type SqlType, sqlTypeOid, sqlTypeSize } from '../sql-types.js';

/**
 * PostgreSQL types as the catalog and the wire protocol need them: the SqlTypes of flow data plus
 * the catalog's own (oid, name, "char", varchar, reg*, arrays). Each maps to the SqlType closest
 * in meaning, which is what a frontend that knows only SqlType (REST, CLI) uses.
 */
export interface PgType {
  readonly oid: number;
  /** As format_type prints it ('bigint', 'timestamp with time zone', 'name', 'text[]'). */
  readonly display: string;
  /** pg_type.typname ('int8', 'timestamptz', '_text'). */
  readonly typname: string;
  /** typlen: bytes of the binary form, -1 variable. */
  readonly len: number;
  readonly sql: SqlType;
  /** For arrays: the element type's oid. */
  readonly elem?: number;
  /** pg_type.typcategory. */
  readonly category: string;
}

function t(
  oid: number,
  typname: string,
  display: string,
  len: number,
  sql: SqlType,
  category: string,
): PgType {
  return { oid, typname, display, len, sql, category };
}

const base: PgType[] = [
  t(16, 'bool', 'boolean', 1, 'bool', 'B'),
  t(17, 'bytea', 'bytea', -1, 'text', 'U'),
  t(18, 'char', '"char"', 1, 'text', 'Z'),
  t(19, 'name', 'name', 64, 'text', 'S'),
  t(20, 'int8', 'bigint', 8, 'int8', 'N'),
  t(21, 'int2', 'smallint', 2, 'int2', 'N'),
  t(22, 'int2vector', 'int2vector', -1, 'text', 'A'),
  t(23, 'int4', 'integer', 4, 'int4', 'N'),
  t(24, 'regproc', 'regproc', 4, 'text', 'N'),
  t(25, 'text', 'text', -1, 'text', 'S'),
  t(26, 'oid', 'oid', 4, 'int8', 'N'),
  t(28, 'xid', 'xid', 4, 'int8', 'U'),
  t(30, 'oidvector', 'oidvector', -1, 'text', 'A'),
  t(194, 'pg_node_tree', 'pg_node_tree', -1, 'text', 'Z'),
  t(650, 'cidr', 'cidr', -1, 'cidr', 'I'),
  t(700, 'float4', 'real', 4, 'float8', 'N'),
  t(701, 'float8', 'double precision', 8, 'float8', 'N'),
  t(705, 'unknown', 'unknown', -2, 'unknown', 'X'),
  t(829, 'macaddr', 'macaddr', 6, 'macaddr', 'U'),
  t(869, 'inet', 'inet', -1, 'inet', 'I'),
  t(1033, 'aclitem', 'aclitem', 16, 'text', 'U'),
  t(1042, 'bpchar', 'character', -1, 'text', 'S'),
  t(1043, 'varchar', 'character varying', -1, 'text', 'S'),
  t(1114, 'timestamp', 'timestamp without time zone', 8, 'timestamptz', 'D'),
  t(1184, 'timestamptz', 'timestamp with time zone', 8, 'timestamptz', 'D'),
  t(1186, 'interval', 'interval', 16, 'interval', 'T'),
  t(1700, 'numeric', 'numeric', -1, 'numeric', 'N'),
  t(2205, 'regclass', 'regclass', 4, 'text', 'N'),
  t(2206, 'regtype', 'regtype', 4, 'text', 'N'),
  t(4089, 'regnamespace', 'regnamespace', 4, 'text', 'N'),
  t(4096, 'regrole', 'regrole', 4, 'text', 'N'),
  t(2249, 'record', 'record', -1, 'text', 'P'),
  t(2277, 'anyarray', 'anyarray', -1, 'text', 'P'),
];

/** Array types: pg_type's _name rows (oids from pg_type.dat). */
const arrays: [number, number][] = [
  [1000, 16],
  [1002, 18],
  [1003, 19],
  [1016, 20],
  [1005, 21],
  [1007, 23],
  [1009, 25],
  [1028, 26],
  [1034, 1033],
  [1015, 1043],
  [1021, 700],
  [1022, 701],
  [1041, 869],
  [651, 650],
  [1185, 1184],
  [1231, 1700],
];

export const pgTypesByOid = new Map<number, PgType>();
export const pgTypesByName = new Map<string, PgType>();
for (const type of base) add(type);
for (const [oid, elemOid] of arrays) {
  const elem = pgTypesByOid.get(elemOid)!;
  add({
    oid,
    typname: `_${elem.typname}`,
    display: `${elem.display}[]`,
    len: -1,
    sql: 'text',
    elem: elemOid,
    category: 'A',
  });
}

function add(type: PgType): void {
  pgTypesByOid.set(type.oid, type);
  pgTypesByName.set(type.typname, type);
}

/** The array type of an element type, if the catalog has one. */
export function arrayOf(elem: PgType): PgType | undefined {
  for (const type of pgTypesByOid.values()) if (type.elem === elem.oid) return type;
  return undefined;
}

export function pgType(name: string): PgType {
  const type = pgTypesByName.get(name);
  if (type === undefined) throw new Error(`no catalog type ${name}`);
  return type;
}

export function pgTypeOfSql(type: SqlType): PgType {
  return pgTypesByOid.get(sqlTypeOid[type])!;
}

/** Type names as SQL spells them in casts and declarations (int → int4, character varying → varchar …). */
const aliases: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
  float: 'float8',
  decimal: 'numeric',
  'character varying': 'varchar',
  character: 'bpchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
};

export function pgTypeByAnyName(name: string): PgType | undefined {
  const lower = name.toLowerCase();
  return pgTypesByName.get(aliases[lower] ?? lower);
}

/** A result column that carries its exact catalog type; frontends that know only SqlType use `type`. */
export interface CompatField extends Field {
  readonly pgType?: PgType | undefined;
}

export function compatField(name: string, type: PgType): CompatField {
  return { name, type: type.sql, pgType: type };
}

/** The catalog type of any result column (the exact one when compat gave it). */
export function fieldPgType(field: Field): PgType {
  return (field as CompatField).pgType ?? pgTypeOfSql(field.type);
}

/** RowDescription's typlen for a field. */
export function fieldTypeSize(field: Field): number {
  const exact = (field as CompatField).pgType;
  return exact === undefined ? sqlTypeSize[field.type] : exact.len;
}
