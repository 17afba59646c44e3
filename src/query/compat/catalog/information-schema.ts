import type { PgType } from '../pg-types.js';
import { DATABASE_NAME } from '../settings.js';
import type { Catalog, CVal } from './catalog.js';
import { Oid } from './catalog.js';

type Row = Record<string, CVal>;

/** numeric_precision, _radix, _scale and datetime_precision as PostgreSQL 15 reports them. */
function numericTraits(type: PgType): Row {
  const bits: Record<string, number> = { int2: 16, int4: 32, int8: 64, float4: 24, float8: 53 };
  const b = bits[type.typname];
  if (b !== undefined)
    return {
      numeric_precision: b,
      numeric_precision_radix: 2,
      numeric_scale: type.typname.startsWith('int') ? 0 : null,
    };
  if (type.typname === 'numeric') return { numeric_precision_radix: 10 };
  if (['timestamptz', 'timestamp', 'interval'].includes(type.typname)) return { datetime_precision: 6 };
  if (['text', 'varchar', 'bpchar'].includes(type.typname)) return { character_octet_length: 1073741824 };
  return {};
}

/** information_schema.data_type: arrays are 'ARRAY', catalog types keep their names. */
function dataType(type: PgType): string {
  if (type.elem !== undefined) return 'ARRAY';
  if (type.typname === 'char') return '"char"';
  if (
    [
      'name',
      'oid',
      'regproc',
      'regclass',
      'regtype',
      'xid',
      'pg_node_tree',
      'int2vector',
      'oidvector',
      'aclitem',
      'anyarray',
    ].includes(type.typname)
  )
    return type.typname === 'anyarray' ? 'anyarray' : type.typname;
  return type.display;
}

export const informationSchemaRows: Record<string, (cat: Catalog) => Row[]> = {
  'information_schema.schemata': () =>
    [
      ['information_schema', 'postgres'],
      ['pg_catalog', 'postgres'],
      ['public', 'pg_database_owner'],
    ].map(([schema_name, schema_owner]) => ({ catalog_name: DATABASE_NAME, schema_name, schema_owner })),
  'information_schema.tables': (cat) =>
    cat.classes.map((c) => ({
      table_catalog: DATABASE_NAME,
      table_schema: cat.namespaceName(c.namespace)!,
      table_name: c.name,
      table_type: c.kind === 'r' ? 'BASE TABLE' : 'VIEW',
      is_insertable_into: c.namespace === Oid.public ? 'YES' : 'NO',
      is_typed: 'NO',
    })),
  'information_schema.columns': (cat) =>
    cat.classes.flatMap((c) =>
      c.columns.map((col, i) => ({
        table_catalog: DATABASE_NAME,
        table_schema: cat.namespaceName(c.namespace)!,
        table_name: c.name,
        column_name: col.name,
        ordinal_position: i + 1,
        is_nullable: 'YES',
        data_type: dataType(col.type),
        ...numericTraits(col.type),
        udt_catalog: DATABASE_NAME,
        udt_schema: 'pg_catalog',
        udt_name: col.type.typname,
        dtd_identifier: String(i + 1),
        is_self_referencing: 'NO',
        is_identity: 'NO',
        identity_cycle: 'NO',
        is_generated: 'NEVER',
        is_updatable: c.namespace === Oid.public ? 'YES' : 'NO',
      })),
    ),
};
