import type { SqlType } from '../../src/query/sql-types.js';
import { prng } from './store-flows.js';

/**
 * One random expression, written twice: `pg` in flowlens's (PostgreSQL's) dialect, `dk` in DuckDB
 * SQL computing the same value under PostgreSQL's semantics. `type` is the type PostgreSQL gives
 * it (the test compares flowlens's result types with these), `name` the output column name
 * PostgreSQL gives it without an alias.
 */

export type PgType = Exclude<SqlType, 'unknown'>;

/** What a generator is asked for: a kind of value rather than one exact type. */
export type Cat = 'int' | 'num' | 'text' | 'bool' | 'time' | 'interval' | 'inet' | 'mac';

/** An inet/cidr value in DuckDB: family (4/6), address number, prefix length, host text if known. */
export interface InetParts {
  readonly f: string;
  readonly n: string;
  readonly b: string;
  readonly h: string | undefined;
}

export type Approx = { readonly kind: 'hll' } | { readonly kind: 'pct'; readonly nd: string };

export interface Node {
  readonly pg: string;
  readonly dk: string;
  readonly type: PgType;
  readonly name: string;
  /** May be NULL (nullif, CASE without ELSE, NULL literals, aggregates over no rows). */
  readonly nullable: boolean;
  /** flowlens computes it exactly (integers, exact sums); else compared with a float tolerance. */
  readonly exact: boolean;
  /** Bounds of an integer value (interval arithmetic), to keep clear of overflow and 2^53. */
  readonly lo: number;
  readonly hi: number;
  readonly inet?: InetParts | undefined;
  /** A bare approximate aggregate (approx_count_distinct, percentile_cont). */
  readonly approx?: Approx | undefined;
  readonly constant?: boolean | undefined;
  /**
   * How strongly `name` was chosen (PostgreSQL's FigureColname): 2 for a column or function name,
   * 1 for a cast's type name or 'case', 0 for '?column?'. A cast or CASE keeps a strong inner name.
   */
  readonly strength?: number | undefined;
  /** An inet value at its full prefix length (a stored address), so it orders by (family, address). */
  readonly full?: boolean | undefined;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** What the data holds, for literals that select something. */
export interface Facts {
  /** Addresses that occur in the flows (text). */
  readonly addrs: readonly string[];
  /** Instants around the data (ms). */
  readonly instants: readonly number[];
}

/** Where leaves come from: stored columns (per row) or group keys and aggregates (per group). */
export interface Scope {
  readonly rng: Rng;
  readonly facts: Facts;
  readonly perGroup: boolean;
  /** A column, key or aggregate of this kind, or undefined when the scope has none. */
  leaf(cat: Cat): Node | undefined;
  /** The per-row scope of the same table (aggregate arguments, FILTER conditions). */
  readonly rowScope: Scope;
}

export const intTypes: readonly PgType[] = ['int2', 'int4', 'int8'];
export const isInt = (t: PgType) => t === 'int2' || t === 'int4' || t === 'int8';
export const isNum = (t: PgType) => isInt(t) || t === 'numeric' || t === 'float8';

/** The largest magnitude each integer type may take (int8: 2^53, where flowlens stays exact). */
export const intLimit: Record<string, number> = { int2: 32767, int4: 2147483647, int8: 2 ** 53 };

export const duckTypeOf: Record<string, string> = {
  int2: 'SMALLINT',
  int4: 'INTEGER',
  int8: 'BIGINT',
  numeric: 'DOUBLE',
  float8: 'DOUBLE',
};

export function widerInt(a: PgType, b: PgType): PgType {
  return intTypes[Math.max(intTypes.indexOf(a), intTypes.indexOf(b))]!;
}

/** PostgreSQL's result type of arithmetic on two numbers. */
export function arithType(a: PgType, b: PgType): PgType {
  if (a === 'float8' || b === 'float8') return 'float8';
  if (a === 'numeric' || b === 'numeric') return 'numeric';
  return widerInt(a, b);
}

const UNBOUNDED = { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY };

export function node(parts: Partial<Node> & Pick<Node, 'pg' | 'dk' | 'type'>): Node {
  const name = parts.name ?? '?column?';
  return {
    name,
    strength: name === '?column?' ? 0 : 2,
    nullable: false,
    exact: !(parts.type === 'numeric' || parts.type === 'float8'),
    ...UNBOUNDED,
    ...parts,
  };
}

/** The output name of a cast (or CASE, with 'case'): the inner name if strong, else the weak one. */
export function weakName(inner: Node, weak: string): { name: string; strength: number } {
  return (inner.strength ?? 0) >= 2 ? { name: inner.name, strength: 2 } : { name: weak, strength: 1 };
}

export function intLit(n: number): Node {
  const type: PgType = Math.abs(n) > 2147483647 ? 'int8' : 'int4';
  return node({
    pg: n < 0 ? `(${n})` : String(n),
    dk: `CAST(${n} AS ${duckTypeOf[type]})`,
    type,
    lo: n,
    hi: n,
    constant: true,
  });
}

export function textLit(s: string): Node {
  const q = `'${s.replaceAll("'", "''")}'`;
  return node({ pg: q, dk: q, type: 'text', constant: true });
}

/** Timestamps as PostgreSQL and DuckDB both read them (UTC, milliseconds). */
export function tsText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export const intervals: readonly { readonly text: string; readonly ms: number }[] = [
  { text: '5 min', ms: 300_000 },
  { text: '5 minutes', ms: 300_000 },
  { text: '1 hour', ms: 3_600_000 },
  { text: '90 seconds', ms: 90_000 },
  { text: '2 days', ms: 172_800_000 },
  { text: '1 day 2 hours', ms: 93_600_000 },
  { text: '01:30:00', ms: 5_400_000 },
  { text: '30 sec', ms: 30_000 },
  { text: '10 minutes', ms: 600_000 },
  { text: '1.5 hours', ms: 5_400_000 },
  { text: 'P1DT2H', ms: 93_600_000 },
  { text: '@ 5 mins ago', ms: -300_000 },
  { text: '2 hours 30 minutes', ms: 9_000_000 },
];

export function intervalLit(rng: Rng): Node {
  const iv = rng.pick(intervals);
  const pg = rng.pick([`interval '${iv.text}'`, `interval'${iv.text}'`, `'${iv.text}'::interval`]);
  return node({
    pg,
    dk: `to_milliseconds(CAST(${iv.ms} AS BIGINT))`,
    type: 'interval',
    name: 'interval',
    strength: 1,
    constant: true,
  });
}

/** Interval arithmetic for + - * on bounds. */
export function boundsOf(op: string, a: Node, b: Node): { lo: number; hi: number } {
  if (op === '+') return { lo: a.lo + b.lo, hi: a.hi + b.hi };
  if (op === '-') return { lo: a.lo - b.hi, hi: a.hi - b.lo };
  const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi].map((v) => (Number.isNaN(v) ? 0 : v));
  return { lo: Math.min(...c), hi: Math.max(...c) };
}

export function fits(type: PgType, lo: number, hi: number): boolean {
  const limit = intLimit[type] ?? Number.POSITIVE_INFINITY;
  return lo >= -limit && hi <= limit;
}

/** An inet node's parts as one DuckDB value (for DISTINCT, GROUP BY, min/max). */
export function inetStruct(p: InetParts): string {
  return `struct_pack(f := ${p.f}, n := ${p.n}, b := ${p.b})`;
}

export function inetNode(parts: Partial<Node> & Pick<Node, 'pg' | 'type'>, inet: InetParts): Node {
  return node({ ...parts, dk: inetStruct(inet), inet });
}
