import { genBool } from './diff-gen-bool.js';
import { genInt, genNum } from './diff-gen-num.js';
import { genInet, genInterval, genText, genTime } from './diff-gen-text-time.js';
import {
  arithType,
  type Cat,
  intLit,
  isInt,
  type Node,
  node,
  type PgType,
  type Scope,
  textLit,
  weakName,
} from './diff-node.js';

/** Random scalar expressions of the supported grammar (docs/query.md), PostgreSQL and DuckDB text. */

export function gen(s: Scope, cat: Cat, depth: number): Node {
  switch (cat) {
    case 'int':
      return genInt(s, depth);
    case 'num':
      return genNum(s, depth);
    case 'text':
      return genText(s, depth);
    case 'bool':
      return genBool(s, depth);
    case 'time':
      return genTime(s, depth);
    case 'interval':
      return genInterval(s);
    case 'inet':
      return genInet(s);
    case 'mac':
      return s.leaf('mac') ?? genInt(s, 0);
  }
}

/** A value that is never NULL (outputs, keys and sort keys of plain rows must not be). */
export function genNonNull(s: Scope, cat: Cat, depth: number): Node {
  const n = gen(s, cat, depth);
  if (!n.nullable) return n;
  return coalesce(n, fallback(n));
}

function fallback(n: Node): Node {
  if (isInt(n.type)) return intLit(0);
  if (n.type === 'text') return textLit('none');
  if (n.type === 'numeric' || n.type === 'float8')
    return node({ pg: '0', dk: 'CAST(0 AS DOUBLE)', type: 'int4', lo: 0, hi: 0, constant: true });
  if (n.type === 'bool') return node({ pg: 'false', dk: 'false', type: 'bool', constant: true });
  if (n.type === 'timestamptz')
    return node({
      pg: "timestamptz '2000-01-01 00:00:00+00'",
      dk: "TIMESTAMP '2000-01-01 00:00:00'",
      type: 'timestamptz',
      constant: true,
    });
  throw new Error(`no fallback for ${n.type}`);
}

export function coalesce(a: Node, b: Node): Node {
  const type =
    isInt(a.type) && isInt(b.type)
      ? widen(a.type, b.type)
      : a.type === 'int4' && b.type !== 'int4'
        ? b.type
        : a.type;
  return node({
    pg: `coalesce(${a.pg}, ${b.pg})`,
    dk: `coalesce(${a.dk}, ${b.dk})`,
    type,
    name: 'coalesce',
    nullable: a.nullable && b.nullable,
    exact: a.exact && b.exact,
    lo: Math.min(a.lo, b.lo),
    hi: Math.max(a.hi, b.hi),
    inet: a.inet,
  });
}

export const widen = (a: PgType, b: PgType): PgType => arithType(a, b);

export function nullif(a: Node, b: Node): Node {
  return node({
    pg: `nullif(${a.pg}, ${b.pg})`,
    dk: `nullif(${a.dk}, ${b.dk})`,
    type: a.type,
    name: 'nullif',
    nullable: true,
    exact: a.exact,
    lo: a.lo,
    hi: a.hi,
  });
}

export function caseOf(s: Scope, depth: number, branch: (d: number) => Node): Node {
  const c = genBool(s, depth - 1);
  const a = branch(depth - 1);
  const noElse = s.perGroup ? s.rng.chance(0.2) : s.rng.chance(0.1);
  const b = noElse ? undefined : branch(depth - 1);
  const type =
    b === undefined
      ? a.type
      : isInt(a.type) && isInt(b.type)
        ? widen(a.type, b.type)
        : a.type === b.type
          ? a.type
          : arithType(a.type, b.type);
  const els = b === undefined ? '' : ` ELSE ${b.pg}`;
  const dkEls = b === undefined ? '' : ` ELSE ${b.dk}`;
  return node({
    pg: `CASE WHEN ${c.pg} THEN ${a.pg}${els} END`,
    dk: `(CASE WHEN ${c.dk} THEN ${a.dk}${dkEls} END)`,
    type,
    ...(b === undefined ? { name: 'case', strength: 1 } : weakName(b, 'case')),
    nullable: b === undefined || a.nullable || b.nullable,
    exact: a.exact && (b?.exact ?? true),
    lo: Math.min(a.lo, b?.lo ?? a.lo),
    hi: Math.max(a.hi, b?.hi ?? a.hi),
  });
}
