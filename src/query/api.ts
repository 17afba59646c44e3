import type { SqlType } from './sql-types.js';

/**
 * The query engine as the frontends (PostgreSQL wire server, REST, CLI, portal) see it. The engine
 * parses, validates, plans and runs one statement at a time; frontends own connections, protocols
 * and authentication, and hand the engine a session.
 */

/**
 * One cell of a result, by SQL type:
 *   bool → boolean; int2/int4/int8 → number (bigint past 2^53); numeric → number or bigint (exact
 *   integer sums past 2^53); float8 → number; text → string; inet/cidr → string in PostgreSQL's
 *   text form ('10.1.2.3', '2001:db8::1', '10.0.0.0/8'); macaddr → string ('08:00:2b:01:02:03');
 *   timestamptz → number (ms since the epoch, UTC); interval → number (ms); NULL → null.
 */
export type Value = null | boolean | number | bigint | string;

export interface Field {
  readonly name: string;
  readonly type: SqlType;
}

export interface QueryResult {
  readonly fields: readonly Field[];
  readonly rows: readonly (readonly Value[])[];
  /** PostgreSQL's CommandComplete tag, e.g. 'SELECT 10', 'SET', 'SHOW'. */
  readonly command: string;
  readonly stats?: QueryStats | undefined;
}

export interface QueryStats {
  /** Jobs (minute × device, or rollup hour/day × device) the plan had, and how many came from the memo. */
  readonly jobs: number;
  readonly memoHits: number;
  readonly rowsScanned: number;
  readonly resolution: 'minute' | 'hour' | 'day' | 'none';
  readonly elapsedMs: number;
}

/** Who is asking. Frontends create one per connection (or per REST request) after authentication. */
export interface QuerySession {
  readonly user: string;
  readonly tenant: string;
  /**
   * An admin user ("admin": true in the config): may also read the server's own `metrics` table.
   * Frontends set it from Users.isAdmin; absent means not an admin.
   */
  readonly admin?: boolean | undefined;
  /** Run-time settings (SET name = value): timezone, application_name, statement_timeout, … */
  readonly settings: Map<string, string>;
}

export interface QueryOptions {
  /** Aborts the query (client gone, CancelRequest): it ends with SQLSTATE 57014. */
  readonly signal?: AbortSignal | undefined;
  /** Values of $1, $2, … in PostgreSQL text form (extended protocol Bind, REST "params"). */
  readonly params?: readonly (string | null)[] | undefined;
  /** Types the client declared for the parameters (Parse); 'unknown' lets the engine infer them. */
  readonly paramTypes?: readonly SqlType[] | undefined;
  /** The value of now() for this statement (ms); defaults to the wall clock at the start. */
  readonly now?: number | undefined;
}

/** What a statement would return, without running it (extended protocol Describe). */
export interface StatementDescription {
  /** Empty for statements that return no rows (SET, BEGIN, …), and for a SELECT of no columns. */
  readonly fields: readonly Field[];
  /**
   * True for statements without a result (SET, BEGIN, …): Describe answers NoData. Otherwise the
   * statement returns rows, possibly of no columns (`SELECT FROM t`), described by `fields`.
   */
  readonly noData?: boolean | undefined;
  /** The type of each $n, inferred from where it is used when the client did not say. */
  readonly paramTypes: readonly SqlType[];
}

export interface QueryEngine {
  /** Splits a query string into its statements (simple query protocol may carry several). */
  split(sql: string): string[];
  describe(
    session: QuerySession,
    sql: string,
    paramTypes?: readonly SqlType[],
  ): Promise<StatementDescription>;
  /** Runs one statement. Rejects with QueryError (src/query/errors.ts) only. */
  run(session: QuerySession, sql: string, options?: QueryOptions): Promise<QueryResult>;
}

/** The tables a tenant sees, for validation and for the catalog (psql's \d, information_schema). */
export interface TableInfo {
  readonly name: string;
  /**
   * flows: the tenant's flow rows (all_devices, a device's table); devices: one row per device;
   * table: a table of the table store (src/store/table) of the same name, time column `time`
   * (the admins' `metrics`, the `synth_*` results).
   */
  readonly kind: 'flows' | 'devices' | 'table';
  /** For a per-device table: the device id it reads. */
  readonly deviceId?: number | undefined;
  /** For a table-store table shared by tenants: the text column that holds a row's tenant (a session sees its own rows only). */
  readonly tenantColumn?: string | undefined;
  readonly columns: readonly Field[];
}
