import { caseOf, coalesce, nullif, widen } from './diff-gen-scalar.js';
import { genInet, genText, genTime } from './diff-gen-text-time.js';
import {
  arithType,
  boundsOf,
  duckTypeOf,
  fits,
  intLit,
  isInt,
  type Node,
  node,
  type PgType,
  type Rng,
  type Scope,
  weakName,
} from './diff-node.js';

/** Random integer and numeric expressions: arithmetic kept clear of overflow, casts, date parts. */

function smallInt(s: Scope): Node {
  return intLit(s.rng.pick([1, 2, 3, 7, 10, 100, 1000, 100000, -1, -5, 0, 3000000000]));
}

export function genInt(s: Scope, depth: number): Node {
  const leaf = () => s.leaf('int') ?? smallInt(s);
  if (depth <= 0) return s.rng.chance(0.8) ? leaf() : smallInt(s);
  const r = s.rng;
  switch (r.int(11)) {
    case 0:
    case 1:
      return leaf();
    case 2: {
      const a = genInt(s, depth - 1);
      const b = r.chance(0.6) ? smallInt(s) : genInt(s, depth - 1);
      return arith(r.pick(['+', '-', '*']), a, b, r) ?? a;
    }
    case 3: {
      const a = genInt(s, depth - 1);
      if (r.chance(0.3)) return divide(a, genInt(s, depth - 1)) ?? a;
      const d = r.pick([2, 3, 7, 10, 100, -4]);
      const op = r.pick(['/', '%']);
      const lo = op === '%' ? -Math.abs(d) + 1 : Math.min(a.lo / d, a.hi / d);
      const hi = op === '%' ? Math.abs(d) - 1 : Math.max(a.lo / d, a.hi / d);
      return node({
        pg: `(${a.pg} ${op} ${intLit(d).pg})`,
        dk: `(${a.dk} ${op === '/' ? '//' : '%'} ${intLit(d).dk})`,
        type: arithType(a.type, 'int4'),
        nullable: a.nullable,
        lo: Math.floor(lo),
        hi: Math.ceil(hi),
      });
    }
    case 4: {
      const a = genInt(s, depth - 1);
      if (r.chance(0.5))
        return node({
          pg: `(- ${a.pg})`,
          dk: `(- ${a.dk})`,
          type: a.type,
          nullable: a.nullable,
          lo: -a.hi,
          hi: -a.lo,
        });
      return node({
        pg: `abs(${a.pg})`,
        dk: `abs(${a.dk})`,
        type: a.type,
        name: 'abs',
        nullable: a.nullable,
        lo: 0,
        hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)),
      });
    }
    case 5: {
      if (r.chance(0.5)) {
        const t = genText(s, depth - 1);
        return node({
          pg: `length(${t.pg})`,
          dk: `length(${t.dk})`,
          type: 'int4',
          name: 'length',
          nullable: t.nullable,
          lo: 0,
          hi: 1000,
        });
      }
      const a = genInet(s);
      if (r.chance(0.5))
        return node({
          pg: `masklen(${a.pg})`,
          dk: `CAST(${a.inet!.b} AS INTEGER)`,
          type: 'int4',
          name: 'masklen',
          nullable: a.nullable,
          lo: 0,
          hi: 128,
        });
      return node({
        pg: `family(${a.pg})`,
        dk: `CAST(${a.inet!.f} AS INTEGER)`,
        type: 'int4',
        name: 'family',
        nullable: a.nullable,
        lo: 4,
        hi: 6,
      });
    }
    case 6:
      return caseOf(s, depth, (d) => genInt(s, d));
    case 7: {
      const a = genInt(s, depth - 1);
      const n = nullif(a, smallInt(s));
      return coalesce(n, genInt(s, 0));
    }
    case 8: {
      const a = genInt(s, depth - 1);
      const b = genInt(s, depth - 1);
      const fn = r.pick(['greatest', 'least']);
      return node({
        pg: `${fn}(${a.pg}, ${b.pg})`,
        dk: `${fn}(${a.dk}, ${b.dk})`,
        type: widen(a.type, b.type),
        name: fn,
        nullable: a.nullable && b.nullable,
        lo: Math.min(a.lo, b.lo),
        hi: Math.max(a.hi, b.hi),
      });
    }
    case 9: {
      const a = genInt(s, depth - 1);
      const to = r.pick(['int8', 'int4', 'int2'] as const);
      if (!fits(to, a.lo, a.hi)) return a;
      const [pg, name] = r.chance(0.5)
        ? [`${a.pg}::${to}`, to]
        : [`CAST(${a.pg} AS ${to === 'int8' ? 'bigint' : to === 'int4' ? 'integer' : 'smallint'})`, to];
      return node({
        pg: `(${pg})`,
        dk: `CAST(${a.dk} AS ${duckTypeOf[to]})`,
        type: to,
        ...weakName(a, name),
        nullable: a.nullable,
        lo: a.lo,
        hi: a.hi,
      });
    }
    default: {
      // A number rounded to an integer type: numeric rounds half away from zero, float8 to even.
      const a = genNum(s, depth - 1);
      if (isInt(a.type) || !fits('int8', a.lo, a.hi)) return a;
      const dk =
        a.type === 'numeric' ? `CAST(round(${a.dk}) AS BIGINT)` : `CAST(round_even(${a.dk}, 0) AS BIGINT)`;
      return node({
        pg: `(${a.pg})::int8`,
        dk,
        type: 'int8',
        ...weakName(a, 'int8'),
        nullable: a.nullable,
        lo: Math.floor(a.lo),
        hi: Math.ceil(a.hi),
      });
    }
  }
}

/** a op b for + - *, or undefined when the result could overflow its type (or pass 2^53). */
export function arith(op: string, a: Node, b: Node, probe?: Rng): Node | undefined {
  const type = arithType(a.type, b.type);
  const { lo, hi } = boundsOf(op, a, b);
  // Past its type the result would raise 22003 in PostgreSQL (and DuckDB, same types): left out,
  // except for a rare probe of smallint/integer overflow.
  if (isInt(type) && !fits(type, lo, hi) && !(type !== 'int8' && probe?.chance(0.3))) return undefined;
  if (!isInt(type) && !(Math.abs(lo) < 1e15 && Math.abs(hi) < 1e15)) return undefined;
  const dk = isInt(type)
    ? `(${a.dk} ${op} ${b.dk})`
    : `(CAST(${a.dk} AS DOUBLE) ${op} CAST(${b.dk} AS DOUBLE))`;
  return node({
    pg: `(${a.pg} ${op} ${b.pg})`,
    dk,
    type,
    nullable: a.nullable || b.nullable,
    exact: isInt(type),
    lo,
    hi,
  });
}

const numLits = ['1.5', '0.25', '100.0', '2.5', '1e3', '0.1'];
const dateFields = ['epoch', 'year', 'month', 'day', 'hour', 'minute', 'second', 'dow'];

function duckDatePart(field: string, t: string): string {
  if (field === 'epoch') return `epoch(${t})`;
  if (field === 'second') return `(date_part('millisecond', ${t}) / 1000.0)`;
  return `CAST(date_part('${field}', ${t}) AS DOUBLE)`;
}

/** A number of any numeric type (integers included). */
export function genNum(s: Scope, depth: number): Node {
  const r = s.rng;
  if (depth <= 0 || r.chance(0.25)) return s.leaf('num') ?? genInt(s, depth);
  switch (r.int(7)) {
    case 0: {
      const lit = r.pick(numLits);
      const a = genInt(s, depth - 1);
      const litNode = node({
        pg: lit,
        dk: `CAST(${lit} AS DOUBLE)`,
        type: 'numeric',
        lo: Number(lit),
        hi: Number(lit),
        constant: true,
      });
      return arith(r.pick(['+', '-', '*']), a, litNode) ?? a;
    }
    case 1: {
      const a = genInt(s, depth - 1);
      const to = r.pick(['numeric', 'float8', 'double precision']);
      const type: PgType = to === 'numeric' ? 'numeric' : 'float8';
      const pg = to === 'double precision' ? `CAST(${a.pg} AS double precision)` : `${a.pg}::${to}`;
      return node({
        pg,
        dk: `CAST(${a.dk} AS DOUBLE)`,
        type,
        ...weakName(a, type),
        nullable: a.nullable,
        lo: a.lo,
        hi: a.hi,
      });
    }
    case 2: {
      const t = genTime(s, depth - 1);
      const field = r.pick(dateFields);
      const extract = r.chance(0.5);
      return node({
        pg: extract ? `extract(${field} FROM ${t.pg})` : `date_part('${field}', ${t.pg})`,
        dk: duckDatePart(field, t.dk),
        type: extract ? 'numeric' : 'float8',
        name: extract ? 'extract' : 'date_part',
        nullable: t.nullable,
        lo: 0,
        hi: 2e9,
      });
    }
    case 3: {
      const a = genNum(s, depth - 1);
      const b = genNum(s, depth - 1);
      const op = r.pick(['+', '-', '*', '/']);
      if (op !== '/') return arith(op, a, b) ?? a;
      return divide(a, b) ?? a;
    }
    case 4: {
      const a = genNum(s, depth - 1);
      const fn = r.pick(['round', 'floor', 'ceil']);
      const type: PgType = isInt(a.type) ? 'float8' : a.type;
      const x = `CAST(${a.dk} AS DOUBLE)`;
      const dk = fn !== 'round' ? `${fn}(${x})` : type === 'numeric' ? `round(${x})` : `round_even(${x}, 0)`;
      return node({
        pg: `${fn}(${a.pg})`,
        dk,
        type,
        name: fn,
        nullable: a.nullable,
        lo: Math.floor(a.lo),
        hi: Math.ceil(a.hi),
      });
    }
    case 5:
      return caseOf(s, depth, (d) => genNum(s, d));
    default:
      return genInt(s, depth);
  }
}

/** a / b: integer division truncates; a divisor that may be zero is guarded with nullif(b, 0). */
export function divide(a: Node, b: Node): Node | undefined {
  const type = arithType(a.type, b.type);
  const zero = b.lo <= 0 && b.hi >= 0;
  const d = zero ? nullif(b, intLit(0)) : b;
  const dk = isInt(type) ? `(${a.dk} // ${d.dk})` : `(CAST(${a.dk} AS DOUBLE) / CAST(${d.dk} AS DOUBLE))`;
  const m = Math.max(Math.abs(a.lo), Math.abs(a.hi));
  if (!Number.isFinite(m) && isInt(type)) return undefined;
  return node({
    pg: `(${a.pg} / ${d.pg})`,
    dk,
    type,
    nullable: a.nullable || d.nullable,
    exact: isInt(type),
    lo: -m,
    hi: m,
  });
}
