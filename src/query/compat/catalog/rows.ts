import { type PgType, pgTypesByOid } from '../pg-types.js';
import { DATABASE_NAME, settingDefs, settingValue } from '../settings.js';
import type { Catalog, CVal } from './catalog.js';
import { Oid } from './catalog.js';
import { informationSchemaRows } from './information-schema.js';
import { typeTraits } from './type-traits.js';

type Row = Record<string, CVal>;

/** Rows of the catalog relations that are not empty in flowlens; every other one has none. */
export const catalogRows: Record<string, (cat: Catalog) => Row[]> = {
  pg_namespace: (): Row[] => [
    { oid: Oid.pgCatalog, nspname: 'pg_catalog', nspowner: Oid.bootstrapRole },
    { oid: Oid.pgToast, nspname: 'pg_toast', nspowner: Oid.bootstrapRole },
    {
      oid: Oid.public,
      nspname: 'public',
      nspowner: Oid.databaseOwnerRole,
      nspacl: ['pg_database_owner=UC/pg_database_owner', '=U/pg_database_owner'],
    },
    { oid: Oid.informationSchema, nspname: 'information_schema', nspowner: Oid.bootstrapRole },
  ],
  pg_class: (cat) =>
    cat.classes.map((c) => ({
      oid: c.oid,
      relname: c.name,
      relnamespace: c.namespace,
      reltype: c.typeOid,
      reloftype: 0,
      relowner: c.owner,
      relam: c.kind === 'r' ? Oid.heap : 0,
      relfilenode: c.kind === 'r' ? c.oid : 0,
      reltablespace: 0,
      relpages: 0,
      reltuples: -1,
      relallvisible: 0,
      reltoastrelid: 0,
      relhasindex: false,
      relisshared: false,
      relpersistence: 'p',
      relkind: c.kind,
      relnatts: c.columns.length,
      relchecks: 0,
      relhasrules: c.kind === 'v',
      relhastriggers: false,
      relhassubclass: false,
      relrowsecurity: false,
      relforcerowsecurity: false,
      relispopulated: true,
      relreplident: c.kind === 'r' ? 'd' : 'n',
      relispartition: false,
      relrewrite: 0,
      relfrozenxid: 0,
      relminmxid: 0,
    })),
  pg_attribute: (cat) =>
    cat.classes.flatMap((c) =>
      c.columns.map((col, i) => {
        const traits = typeTraits(col.type);
        return {
          attrelid: c.oid,
          attname: col.name,
          atttypid: col.type.oid,
          attstattarget: -1,
          attlen: col.type.len,
          attnum: i + 1,
          attndims: col.type.elem === undefined ? 0 : 1,
          attcacheoff: -1,
          atttypmod: -1,
          attbyval: traits.byval,
          attalign: traits.align,
          attstorage: traits.storage,
          attcompression: '',
          attnotnull: false,
          atthasdef: false,
          atthasmissing: false,
          attidentity: '',
          attgenerated: '',
          attisdropped: false,
          attislocal: true,
          attinhcount: 0,
          attcollation: traits.collation,
        };
      }),
    ),
  pg_type: (cat) => [
    ...[...pgTypesByOid.values()].map((t) => typeRow(t)),
    ...cat.classes.map((c) => ({
      ...typeRow(undefined),
      oid: c.typeOid,
      typname: c.name,
      typnamespace: c.namespace,
      typowner: c.owner,
      typlen: -1,
      typtype: 'c',
      typcategory: 'C',
      typrelid: c.oid,
      typalign: 'd',
      typstorage: 'x',
    })),
  ],
  pg_database: () => [
    {
      oid: Oid.database,
      datname: DATABASE_NAME,
      datdba: Oid.sessionRole,
      encoding: 6,
      datlocprovider: 'c',
      datistemplate: false,
      datallowconn: true,
      datconnlimit: -1,
      datfrozenxid: 0,
      datminmxid: 1,
      dattablespace: 1663,
      datcollate: 'C.UTF-8',
      datctype: 'C.UTF-8',
    },
  ],
  pg_roles: (cat) => roles(cat),
  pg_user: (cat) =>
    roles(cat)
      .filter((r) => r.rolcanlogin)
      .map((r) => ({
        usename: r.rolname,
        usesysid: r.oid,
        usecreatedb: false,
        usesuper: false,
        userepl: false,
        usebypassrls: false,
        passwd: '********',
      })),
  pg_am: () => [
    { oid: Oid.heap, amname: 'heap', amhandler: 'heap_tableam_handler', amtype: 't' },
    { oid: Oid.btree, amname: 'btree', amhandler: 'bthandler', amtype: 'i' },
  ],
  pg_collation: (): Row[] => [
    {
      oid: Oid.defaultCollation,
      collname: 'default',
      collnamespace: Oid.pgCatalog,
      collowner: Oid.bootstrapRole,
      collprovider: 'd',
      collisdeterministic: true,
      collencoding: -1,
    },
    {
      oid: Oid.cCollation,
      collname: 'C',
      collnamespace: Oid.pgCatalog,
      collowner: Oid.bootstrapRole,
      collprovider: 'c',
      collisdeterministic: true,
      collencoding: -1,
      collcollate: 'C',
      collctype: 'C',
    },
  ],
  pg_tablespace: () => [
    { oid: 1663, spcname: 'pg_default', spcowner: Oid.bootstrapRole },
    { oid: 1664, spcname: 'pg_global', spcowner: Oid.bootstrapRole },
  ],
  pg_settings: (cat) =>
    settingDefs.map((d) => {
      const boot = typeof d.boot === 'function' ? d.boot(cat.context.session) : d.boot;
      return {
        name: d.name,
        setting: settingValue(cat.context.session, d.name) ?? '',
        unit: d.unit ?? null,
        category: d.category,
        short_desc: d.description,
        context: d.context,
        vartype: d.vartype,
        source: cat.context.session.settings.has(d.name.toLowerCase()) ? 'session' : 'default',
        boot_val: boot,
        reset_val: boot,
        pending_restart: false,
      };
    }),
  pg_tables: (cat) =>
    cat.classes
      .filter((c) => c.kind === 'r')
      .map((c) => ({
        schemaname: cat.namespaceName(c.namespace)!,
        tablename: c.name,
        tableowner: cat.roleName(c.owner)!,
        hasindexes: false,
        hasrules: false,
        hastriggers: false,
        rowsecurity: false,
      })),
  ...informationSchemaRows,
};

function roles(cat: Catalog): Row[] {
  const role = (oid: number, rolname: string, login: boolean, superuser: boolean): Row => ({
    rolname,
    rolsuper: superuser,
    rolinherit: true,
    rolcreaterole: superuser,
    rolcreatedb: superuser,
    rolcanlogin: login,
    rolreplication: superuser,
    rolconnlimit: -1,
    rolpassword: '********',
    rolbypassrls: superuser,
    oid,
  });
  return [
    role(Oid.bootstrapRole, 'postgres', false, true),
    role(Oid.databaseOwnerRole, 'pg_database_owner', false, false),
    role(Oid.sessionRole, cat.user, true, false),
  ];
}

function typeRow(t: PgType | undefined): Row {
  const traits = t === undefined ? undefined : typeTraits(t);
  const array = t === undefined ? undefined : [...pgTypesByOid.values()].find((a) => a.elem === t.oid);
  return {
    oid: t?.oid ?? 0,
    typname: t?.typname ?? '',
    typnamespace: Oid.pgCatalog,
    typowner: Oid.bootstrapRole,
    typlen: t?.len ?? -1,
    typbyval: traits?.byval ?? false,
    typtype: t === undefined ? 'c' : t.category === 'P' || t.oid === 705 ? 'p' : 'b',
    typcategory: t?.category ?? 'C',
    typispreferred:
      t !== undefined &&
      ['text', 'float8', 'bool', 'timestamptz', 'interval', 'inet', 'oid'].includes(t.typname),
    typisdefined: true,
    typdelim: ',',
    typrelid: 0,
    typsubscript: t?.elem !== undefined ? 'array_subscript_handler' : '-',
    typelem: t?.elem ?? 0,
    typarray: array?.oid ?? 0,
    typinput: t === undefined ? 'record_in' : `${t.elem === undefined ? t.typname : 'array'}_in`,
    typoutput: t === undefined ? 'record_out' : `${t.elem === undefined ? t.typname : 'array'}_out`,
    typreceive: t === undefined ? 'record_recv' : `${t.elem === undefined ? t.typname : 'array'}_recv`,
    typsend: t === undefined ? 'record_send' : `${t.elem === undefined ? t.typname : 'array'}_send`,
    typmodin: '-',
    typmodout: '-',
    typanalyze: '-',
    typalign: traits?.align ?? 'd',
    typstorage: traits?.storage ?? 'x',
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
    typcollation: traits?.collation ?? 0,
  };
}
