import { genInt, genNum } from './diff-gen-num.js';
import { gen, genNonNull } from './diff-gen-scalar.js';
import {
  type Cat,
  type Facts,
  type InetParts,
  inetStruct,
  isInt,
  type Node,
  node,
  type Rng,
  type Scope,
} from './diff-node.js';
import type { RowScope } from './diff-row-scope.js';

/**
 * The per-group scope of an aggregate query. Its leaves are the group keys and aggregates, which it
 * creates on demand. In DuckDB the query becomes an inner SELECT that computes each key (k<i>) and
 * aggregate (a<j>) per group, and an outer one that evaluates the per-group expressions over those
 * names: the same split as flowlens's plan (keys and aggregates per row, the rest per group).
 */

export interface AggDef {
  /** The DuckDB columns of the inner SELECT: `expr AS name`. */
  readonly inner: readonly string[];
}

export class GroupScope implements Scope {
  readonly perGroup = true;
  readonly aggs: AggDef[] = [];
  private readonly seen = new Map<string, Node>();
  allowApprox = true;

  constructor(
    readonly rng: Rng,
    readonly facts: Facts,
    readonly rowScope: Scope,
    readonly keys: readonly Node[],
    private readonly rows: number,
  ) {}

  /** DuckDB columns of the inner SELECT for the keys. */
  keyColumns(): string[] {
    return this.keys.flatMap((k, i) => {
      if (k.inet === undefined) return [`${k.dk} AS k${i}`];
      const p = k.inet;
      const cols = [`${p.f} AS k${i}_f`, `${p.n} AS k${i}_n`, `${p.b} AS k${i}_b`];
      return p.h === undefined ? cols : [...cols, `${p.h} AS k${i}_h`];
    });
  }

  keyRef(i: number): Node {
    const k = this.keys[i]!;
    if (k.inet === undefined) return { ...k, dk: `k${i}` };
    const inet: InetParts = {
      f: `k${i}_f`,
      n: `k${i}_n`,
      b: `k${i}_b`,
      h: k.inet.h === undefined ? undefined : `k${i}_h`,
    };
    return { ...k, dk: inetStruct(inet), inet };
  }

  leaf(cat: Cat): Node | undefined {
    const refs = this.keys.map((_, i) => this.keyRef(i)).filter((k) => matches(k, cat));
    if (refs.length > 0 && this.rng.chance(0.5)) return this.rng.pick(refs);
    return this.aggregate(cat) ?? (refs.length > 0 ? this.rng.pick(refs) : undefined);
  }

  /** A new aggregate call returning `cat`, or undefined when PostgreSQL has none for it. */
  aggregate(cat: Cat): Node | undefined {
    const r = this.rng;
    const rs = this.rowScope;
    const n = this.rows;
    switch (cat) {
      case 'int': {
        const which = r.int(5);
        if (which === 0)
          return this.add('count(*)', 'count(*)', { type: 'int8', name: 'count', lo: 0, hi: n });
        if (which === 1 || which === 2) {
          const x = gen(rs, r.pick(['int', 'text', 'inet', 'time'] as const), 1);
          const distinct = which === 2 ? 'DISTINCT ' : '';
          return this.add(`count(${distinct}${x.pg})`, `count(${distinct}${x.dk})`, {
            type: 'int8',
            name: 'count',
            lo: 0,
            hi: n,
          });
        }
        const x = genInt(rs, 1);
        if (which === 3 && x.type !== 'int8') {
          return this.add(`sum(${x.pg})`, `sum(${x.dk})`, {
            type: 'int8',
            name: 'sum',
            nullable: true,
            lo: Math.min(0, x.lo * n),
            hi: Math.max(0, x.hi * n),
          });
        }
        return this.minMax(x);
      }
      case 'num': {
        const x = genNum(rs, 1);
        const which = r.int(3);
        if (which === 0) {
          const type = x.type === 'float8' ? 'float8' : 'numeric';
          return this.add(`avg(${x.pg})`, `avg(CAST(${x.dk} AS DOUBLE))`, {
            type,
            name: 'avg',
            nullable: true,
            exact: false,
            lo: x.lo,
            hi: x.hi,
          });
        }
        if (which === 1) {
          const type =
            x.type === 'int2' || x.type === 'int4' ? 'int8' : x.type === 'int8' ? 'numeric' : x.type;
          const lo = Math.min(0, x.lo * n);
          const hi = Math.max(0, x.hi * n);
          return this.add(`sum(${x.pg})`, `sum(${x.dk})`, {
            type,
            name: 'sum',
            nullable: true,
            exact: x.exact && isInt(x.type),
            lo,
            hi,
          });
        }
        return this.minMax(x);
      }
      case 'text':
      case 'time':
        return this.minMax(genNonNull(rs, cat, 1));
      case 'inet': {
        const x = rs.leaf('inet')!;
        const fn = r.pick(['min', 'max']);
        const { pg, alias } = this.named(`${fn}(${x.pg})`, `${fn}(${inetStruct(x.inet!)})`);
        const part = (f: string) => `struct_extract(${alias}, '${f}')`;
        const inet: InetParts = { f: part('f'), n: part('n'), b: part('b'), h: undefined };
        return node({ pg, dk: inetStruct(inet), type: x.type, name: fn, nullable: true, inet, full: x.full });
      }
      default:
        return undefined;
    }
  }

  private minMax(x: Node): Node {
    const fn = this.rng.pick(['min', 'max']);
    return this.add(`${fn}(${x.pg})`, `${fn}(${x.dk})`, {
      type: x.type,
      name: fn,
      nullable: true,
      exact: x.exact,
      lo: x.lo,
      hi: x.hi,
    });
  }

  /** A bare approximate aggregate: approx_count_distinct, or percentile_cont over a number. */
  approx(): Node {
    const r = this.rng;
    const rs = this.rowScope;
    if (r.chance(0.5)) {
      const x = gen(rs, r.pick(['int', 'int', 'text', 'inet', 'time'] as const), r.int(2));
      const { pg, alias } = this.named(`approx_count_distinct(${x.pg})`, `count(DISTINCT ${x.dk})`);
      return node({ pg, dk: alias, type: 'int8', name: 'approx_count_distinct', approx: { kind: 'hll' } });
    }
    // Mostly few distinct values (exact); sometimes > 10 000 in a group, where flowlens's sketch answers.
    const x = r.chance(0.15) ? wideValue(rs) : r.chance(0.7) ? rs.leaf('int')! : genNum(rs, 1);
    const p = r.pick([0.5, 0.9, 0.99, 0, 1, 0.25, 0.333]);
    const dir = r.chance(0.3) ? ' DESC' : '';
    // DESC at p is ascending at 1 - p (DuckDB 1.5 ignores DESC at p = 0, so it gets the ascending form).
    const { pg, alias, filter, fresh } = this.named(
      `percentile_cont(${p}) WITHIN GROUP (ORDER BY ${x.pg}${dir})`,
      `quantile_cont(CAST(${x.dk} AS DOUBLE), ${dir === '' ? p : 1 - p})`,
    );
    if (fresh) this.aggs.push({ inner: [`count(DISTINCT ${x.dk})${filter} AS ${alias}_nd`] });
    return node({
      pg,
      dk: alias,
      type: 'float8',
      name: 'percentile_cont',
      nullable: true,
      exact: false,
      approx: { kind: 'pct', nd: `${alias}_nd` },
    });
  }

  private add(pgCall: string, dkCall: string, parts: Partial<Node> & Pick<Node, 'type'>): Node {
    const { pg, alias } = this.named(pgCall, dkCall);
    return node({ ...parts, pg, dk: alias });
  }

  /** Registers an aggregate (maybe with a FILTER) and names its DuckDB column. */
  private named(
    pgCall: string,
    dkCall: string,
  ): { pg: string; alias: string; filter: string; fresh: boolean } {
    let pg = pgCall;
    let filter = '';
    if (this.rng.chance(0.25)) {
      const c = gen(this.rowScope, 'bool', 1);
      pg = `${pgCall} FILTER (WHERE ${c.pg})`;
      filter = ` FILTER (WHERE ${c.dk})`;
    }
    const seen = this.seen.get(pg);
    if (seen !== undefined) return { pg, alias: seen.dk, filter, fresh: false };
    const alias = `a${this.aggs.length}`;
    this.aggs.push({ inner: [`${dkCall}${filter} AS ${alias}`] });
    this.seen.set(pg, node({ pg, dk: alias, type: 'int8' }));
    return { pg, alias, filter, fresh: true };
  }
}

/** in_bytes * 1000 + in_pkts: nearly one distinct value per flow. */
function wideValue(rs: Scope): Node {
  const bytes = (rs as RowScope).column({ name: 'in_bytes', type: 'int8', weight: 1 });
  const pkts = (rs as RowScope).column({ name: 'in_pkts', type: 'int8', weight: 1 });
  return node({
    pg: `(${bytes.pg} * 1000 + ${pkts.pg})`,
    dk: `(${bytes.dk} * 1000 + ${pkts.dk})`,
    type: 'int8',
    lo: 0,
    hi: bytes.hi * 1000 + pkts.hi,
  });
}

function matches(n: Node, cat: Cat): boolean {
  switch (cat) {
    case 'int':
      return isInt(n.type);
    case 'num':
      return isInt(n.type) || n.type === 'numeric' || n.type === 'float8';
    case 'text':
      return n.type === 'text';
    case 'time':
      return n.type === 'timestamptz';
    case 'inet':
      return n.type === 'inet' || n.type === 'cidr';
    case 'mac':
      return n.type === 'macaddr';
    default:
      return false;
  }
}
