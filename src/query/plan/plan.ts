import type { Field } from '../api.js';
import type { SqlType } from '../sql-types.js';

/**
 * A validated SELECT over flows, as the SQL front (src/query/sql) hands it to the executor
 * (src/query/exec). Everything here is plain data: the executor turns it into a JobSpec and
 * compiled kernels; nothing in it refers back to the libpg-query AST.
 *
 * Two kinds of expression live here:
 *   - per-row expressions (WHERE, GROUP BY keys, aggregate arguments, and, for a query without
 *     aggregation, the output and ORDER BY): over `column` refs and constants; the front folds
 *     constants and never lets a per-row expression be NULL (stored columns are NOT NULL, strict
 *     functions of NULL constants fold to NULL constants and then to a constant result);
 *   - per-group expressions (output, HAVING and ORDER BY of an aggregate query): over `key` and
 *     `agg` refs and constants; these may be NULL (an aggregate over no rows).
 */
export type Expr = ColumnExpr | ConstExpr | CallExpr | KeyExpr | AggExpr;

/** A stored column of the table (the schema's name; type by columnSqlType). */
export interface ColumnExpr {
  readonly kind: 'column';
  readonly name: string;
  readonly type: SqlType;
}

/**
 * A constant, in the executor's representation: bool → boolean; integer and float types,
 * numeric, timestamptz (ms since the epoch) and interval (ms) → number; text → string;
 * inet and cidr → CidrValue; macaddr → number (48-bit); NULL → null.
 */
export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: ConstValue;
}

export type ConstValue = null | boolean | number | string | CidrValue;

/**
 * An address with a prefix length: 16 bytes, IPv4 IPv4-mapped (::ffff:a.b.c.d) as the store keeps
 * it. `bits` is the prefix length as written (0–32 for IPv4, 0–128 for IPv6); an inet literal
 * without a prefix has 32 or 128.
 */
export interface CidrValue {
  readonly bytes: Uint8Array;
  readonly bits: number;
  readonly v4: boolean;
}

/** A group key of an aggregate query, by position in `groupBy` (per-group expressions only). */
export interface KeyExpr {
  readonly kind: 'key';
  readonly index: number;
  readonly type: SqlType;
}

/** An aggregate's final value, by position in `aggregates` (per-group expressions only). */
export interface AggExpr {
  readonly kind: 'agg';
  readonly index: number;
  readonly type: SqlType;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly fn: ScalarFn;
  readonly args: readonly Expr[];
  /** The result type; for 'cast' the target type. */
  readonly type: SqlType;
}

/**
 * Every scalar function and operator the executor implements. Arguments are already coerced to
 * matching types by the front (an integer compared with a float arrives as two float8 operands
 * only when it matters; integer types compare freely with each other). Semantics are
 * PostgreSQL's:
 *   and, or, not              three-valued logic
 *   eq ne lt le gt ge         numbers; text in byte order (C collation); inet as PostgreSQL
 *                             orders it (IPv4 before IPv6, then address, then prefix length);
 *                             bool (false < true)
 *   in                        args[0] IN (args[1..]); every args[i ≥ 1] is a constant
 *   like, ilike               args[1] is a constant pattern (% and _, backslash escapes)
 *   is_null, is_not_null      never NULL themselves
 *   add sub mul div mod neg   integer types: integer arithmetic, division truncates toward
 *                             zero, division by zero raises 22012; float8/numeric: float
 *                             arithmetic; timestamptz ± interval
 *   contained_by (<<), contained_by_or_eq (<<=), contains (>>), contains_or_eq (>>=):
 *                             inet containment; args[1] (or args[0] for contains) is usually
 *                             a constant cidr
 *   date_trunc                args[0] constant text unit ('minute','hour','day','week','month',
 *                             'year'), args[1] timestamptz; in UTC
 *   time_bucket               args[0] constant interval (ms), args[1] timestamptz; buckets
 *                             aligned to the epoch
 *   date_part                 args[0] constant text field ('epoch','year','month','day','hour',
 *                             'minute','second','dow'), args[1] timestamptz → float8
 *   host                      inet → text without prefix ('10.1.2.3')
 *   masklen                   inet → int4
 *   family                    inet → int4 (4 or 6)
 *   set_masklen               (inet, constant int) → inet with that prefix length, address kept
 *   network                   inet → cidr: address masked to its prefix length
 *   lower, upper, length      text functions
 *   concat                    text || text (non-text args are cast to text first by the front)
 *   abs, round, floor, ceil   numbers
 *   coalesce                  first non-NULL argument
 *   nullif                    NULL when args[0] = args[1]
 *   greatest, least           PostgreSQL's (NULLs ignored)
 *   case                      args = [cond1, value1, cond2, value2, …, else]; else may be a NULL
 *                             constant (only in per-group expressions)
 *   cast                      args[0] to `type` (int ↔ float8 ↔ numeric ↔ text, text → inet,
 *                             inet → text, timestamptz → text, …)
 */
export type ScalarFn =
  | 'and'
  | 'or'
  | 'not'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'in'
  | 'like'
  | 'ilike'
  | 'is_null'
  | 'is_not_null'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'neg'
  | 'contained_by'
  | 'contained_by_or_eq'
  | 'contains'
  | 'contains_or_eq'
  | 'date_trunc'
  | 'time_bucket'
  | 'date_part'
  | 'host'
  | 'masklen'
  | 'family'
  | 'set_masklen'
  | 'network'
  | 'lower'
  | 'upper'
  | 'length'
  | 'concat'
  | 'abs'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'coalesce'
  | 'nullif'
  | 'greatest'
  | 'least'
  | 'case'
  | 'cast';

/**
 * An aggregate call. Types (PostgreSQL's): count, count_distinct, approx_count_distinct → int8;
 * sum of int2/int4 → int8, of int8 → numeric (exact past 2^53), of float8 → float8; avg → numeric
 * (float8 of float8); min/max → the argument's type; percentile_cont → float8 (approximate past
 * an exact-size limit; see docs/query.md).
 */
export interface AggregateCall {
  readonly fn: AggregateFn;
  /** Per-row argument; undefined for count(*). */
  readonly arg: Expr | undefined;
  /** percentile_cont's fraction, 0–1. */
  readonly fraction?: number | undefined;
  /** Per-row FILTER (WHERE …) condition. */
  readonly filter?: Expr | undefined;
  readonly type: SqlType;
}

export type AggregateFn =
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'count_distinct'
  | 'approx_count_distinct'
  | 'percentile_cont';

/** Where the rows come from. */
export type PlanSource =
  /** Flow rows of the tenant; `devices` undefined for all_devices, else the device ids. */
  | { readonly kind: 'flows'; readonly devices: readonly number[] | undefined }
  /** The `devices` table: one row per device (columns: devicesTableColumns). */
  | { readonly kind: 'devices' }
  /**
   * A table of the table store (the admins' `metrics`, the `synth_*` results): its SQL columns,
   * and the column restricted to the session's tenant (none for `metrics`).
   */
  | {
      readonly kind: 'table';
      readonly table: string;
      readonly columns: readonly Field[];
      readonly tenantColumn: string | undefined;
    }
  /** No FROM clause: one row with no columns. */
  | { readonly kind: 'none' };

export interface OrderKey {
  readonly expr: Expr;
  readonly descending: boolean;
  /** PostgreSQL's default: NULLs sort as larger than every value (first when descending). */
  readonly nullsFirst: boolean;
}

export interface OutputColumn {
  readonly name: string;
  readonly expr: Expr;
}

export interface QueryPlan {
  readonly source: PlanSource;
  /**
   * The i_start_time range the WHERE clause implies, [from, to) in ms (±Infinity when open); for
   * the metrics table, the range of its `time` column. Only narrows which buckets (or blocks) are
   * read: `where` still holds every predicate.
   */
  readonly from: number;
  readonly to: number;
  /** Per-column numeric ranges the WHERE clause implies, to skip parts by their statistics. */
  readonly ranges: readonly { readonly column: string; readonly min?: number; readonly max?: number }[];
  /** Per-row filter; undefined when there is none. */
  readonly where: Expr | undefined;
  /** True when the query aggregates (GROUP BY, or any aggregate in the select list or HAVING). */
  readonly aggregate: boolean;
  /** Per-row group key expressions (empty for an aggregate without GROUP BY: one group). */
  readonly groupBy: readonly Expr[];
  readonly aggregates: readonly AggregateCall[];
  /** The select list: per-group expressions when aggregating, per-row otherwise. */
  readonly output: readonly OutputColumn[];
  /** Per-group condition. */
  readonly having: Expr | undefined;
  /** Per-group (aggregate) or per-row (plain) expressions; may be outside the select list. */
  readonly orderBy: readonly OrderKey[];
  readonly limit: number | undefined;
  readonly offset: number;
  /** Every stored column the per-row expressions read (what the jobs ask storage for). */
  readonly columns: readonly string[];
  /**
   * True when the query may read the hourly/daily rollups: every column it reads is a rollup
   * column (src/flow/schema.ts rollupColumns), every aggregate is count(*), sum/min/max of a
   * measure, or min/max/count(DISTINCT)/approx_count_distinct of a dimension, and time is used
   * only through i_start_time ranges and date_trunc/time_bucket of at least the rollup's width.
   * The executor decides which buckets actually come from rollups (count(*) then reads
   * sum(flow_count)).
   */
  readonly rollupEligible: boolean;
}
