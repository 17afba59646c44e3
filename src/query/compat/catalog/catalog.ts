import type { TableInfo } from '../../api.js';
import type { CompatContext } from '../index.js';
import { type PgType, pgType, pgTypeOfSql } from '../pg-types.js';
import { catalogColumns } from './columns.js';
import { catalogRows } from './rows.js';

/** A value inside the compat interpreter: SQL arrays are JavaScript arrays. */
export type CVal = null | boolean | number | bigint | string | CVal[];

export interface Column {
  readonly name: string;
  readonly type: PgType;
}

export interface Relation {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly CVal[])[];
}

export const Oid = {
  pgCatalog: 11,
  public: 2200,
  pgToast: 99,
  informationSchema: 13207,
  bootstrapRole: 10,
  databaseOwnerRole: 6171,
  sessionRole: 16384,
  database: 16385,
  heap: 2,
  btree: 403,
  defaultCollation: 100,
  cCollation: 950,
} as const;

/** Relations that are views in PostgreSQL (relkind 'v'); the rest of pg_catalog are tables. */
const catalogViews = new Set(['pg_roles', 'pg_user', 'pg_settings', 'pg_tables', 'pg_views', 'pg_matviews']);

/** One relation as pg_class knows it: the tenant's flow tables and the catalog's own. */
export interface ClassEntry {
  readonly oid: number;
  readonly typeOid: number;
  readonly name: string;
  readonly namespace: number;
  readonly kind: 'r' | 'v';
  readonly owner: number;
  readonly columns: readonly Column[];
  /** Set for the tenant's tables. */
  readonly table?: TableInfo;
}

/** The catalog a session sees, built per statement from the tenant's tables. */
export class Catalog {
  readonly classes: ClassEntry[] = [];
  private readonly byOid = new Map<number, ClassEntry>();
  private readonly cache = new Map<string, Relation>();

  constructor(readonly context: CompatContext) {
    context.tables.forEach((table, i) => {
      const oid = 16386 + 5 * i;
      const columns = table.columns.map((f) => ({ name: f.name, type: pgTypeOfSql(f.type) }));
      this.addClass({
        oid,
        typeOid: oid + 2,
        name: table.name,
        namespace: Oid.public,
        kind: 'r',
        owner: Oid.sessionRole,
        columns,
        table,
      });
    });
    let oid = 12_000;
    for (const key of Object.keys(catalogColumns)) {
      const [schema, name] = splitKey(key);
      const namespace = schema === 'pg_catalog' ? Oid.pgCatalog : Oid.informationSchema;
      const kind = schema === 'pg_catalog' && !catalogViews.has(name) ? 'r' : 'v';
      this.addClass({
        oid,
        typeOid: oid + 1,
        name,
        namespace,
        kind,
        owner: Oid.bootstrapRole,
        columns: parseColumns(catalogColumns[key]!),
      });
      oid += 2;
    }
  }

  get user(): string {
    return this.context.session.user;
  }

  classByOid(oid: number): ClassEntry | undefined {
    return this.byOid.get(oid);
  }

  /** A catalog relation by schema (undefined: pg_catalog, as the search path has it) and name. */
  relation(schema: string | undefined, name: string): Relation | undefined {
    const key = schema === undefined || schema === 'pg_catalog' ? name : `${schema}.${name}`;
    if (schema !== undefined && schema !== 'pg_catalog' && schema !== 'information_schema') return undefined;
    const spec = catalogColumns[key];
    if (spec === undefined) return undefined;
    let relation = this.cache.get(key);
    if (relation === undefined) {
      const columns = parseColumns(spec);
      const make = catalogRows[key];
      const objects = make === undefined ? [] : make(this);
      const rows = objects.map((o) => columns.map((c) => o[c.name] ?? null));
      relation = { columns, rows };
      this.cache.set(key, relation);
    }
    return relation;
  }

  namespaceName(oid: number): string | undefined {
    return {
      [Oid.pgCatalog]: 'pg_catalog',
      [Oid.public]: 'public',
      [Oid.pgToast]: 'pg_toast',
      [Oid.informationSchema]: 'information_schema',
    }[oid];
  }

  roleName(oid: number): string | undefined {
    if (oid === Oid.sessionRole) return this.user;
    if (oid === Oid.bootstrapRole) return 'postgres';
    if (oid === Oid.databaseOwnerRole) return 'pg_database_owner';
    return undefined;
  }

  private addClass(entry: ClassEntry): void {
    this.classes.push(entry);
    this.byOid.set(entry.oid, entry);
  }
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return dot < 0 ? ['pg_catalog', key] : [key.slice(0, dot), key.slice(dot + 1)];
}

const parsed = new Map<string, Column[]>();

function parseColumns(spec: string): Column[] {
  let columns = parsed.get(spec);
  if (columns === undefined) {
    columns = spec.split(',').map((part) => {
      const [name, type] = part.split(':') as [string, string];
      return { name, type: pgType(type) };
    });
    parsed.set(spec, columns);
  }
  return columns;
}
