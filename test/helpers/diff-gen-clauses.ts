import type { DiffQuery } from './diff-gen-query.js';
import type { Node, Rng } from './diff-node.js';

/** The clauses of a generated SELECT: ORDER BY, LIMIT/OFFSET, and the DuckDB query around it. */

export interface Item {
  readonly node: Node;
  readonly alias: string | undefined;
}

export function itemText(it: Item): string {
  return it.alias === undefined ? it.node.pg : `${it.node.pg} AS ${it.alias}`;
}

export interface SortKey {
  readonly node: Node;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export function orderBy(
  rng: Rng,
  items: readonly Item[],
  distinct: boolean,
  fresh: () => Node,
  force = false,
): { pg: string; keys: SortKey[] } {
  if (!force && !rng.chance(0.7)) return { pg: '', keys: [] };
  const names = items.map((it) => it.alias ?? it.node.name);
  /** How many outputs a bare identifier in ORDER BY would name (PostgreSQL: more than one is ambiguous). */
  const byName = (text: string) =>
    /^[a-z_][a-z0-9_]*$/.test(text) ? names.filter((x) => x === text).length : 0;
  const texts: string[] = [];
  const keys: SortKey[] = [];
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const at = rng.int(items.length);
    const it = items[at]!;
    let text: string;
    let node: Node;
    if ((distinct || rng.chance(0.7)) && it.node.approx === undefined) {
      node = it.node;
      const name = names[at]!;
      const unique = name !== '?column?' && names.filter((x) => x === name).length === 1;
      const expr =
        distinct || it.node.constant || /^[\s()+\-\d]*$/.test(it.node.pg) || byName(it.node.pg) > 1
          ? String(at + 1)
          : it.node.pg;
      text = rng.pick([String(at + 1), unique ? quoteName(name) : String(at + 1), expr]);
    } else if (!distinct) {
      node = fresh();
      // A constant sorts nothing, and an integer constant would be read as a position
      // (PostgreSQL's parser folds `- (-5)` into the constant 5).
      // A bare name that is also an output's name would mean that output (ORDER BY prefers outputs).
      if (node.constant || /^[\s()+\-\d]*$/.test(node.pg) || byName(node.pg) > 0) continue;
      text = node.pg;
    } else continue;
    const dir = rng.pick(['', ' ASC', ' DESC']);
    const nulls = rng.pick(['', '', ' NULLS FIRST', ' NULLS LAST']);
    const desc = dir === ' DESC';
    texts.push(`${text}${dir}${nulls}`);
    keys.push({ node, desc, nullsFirst: nulls === '' ? desc : nulls === ' NULLS FIRST' });
  }
  return keys.length === 0 ? { pg: '', keys } : { pg: ` ORDER BY ${texts.join(', ')}`, keys };
}

/** Output names are quoted: generated ones such as "case" or "extract" are keywords. */
export function quoteName(name: string): string {
  return `"${name}"`;
}

export function limitClause(
  rng: Rng,
  cap: number | undefined,
): { pg: string; limit: number | undefined; offset: number } {
  const limit = cap !== undefined || rng.chance(0.55) ? rng.pick([1, 3, 5, 10, 25, 100]) : undefined;
  const offset = rng.chance(0.2) ? rng.pick([1, 2, 5, 20]) : 0;
  if (limit === undefined) {
    const pg =
      offset > 0
        ? rng.pick([` OFFSET ${offset}`, ` LIMIT ALL OFFSET ${offset}`])
        : rng.chance(0.1)
          ? ' LIMIT ALL'
          : '';
    return { pg, limit, offset };
  }
  const forms = [
    ` LIMIT ${limit}${offset > 0 ? ` OFFSET ${offset}` : ''}`,
    `${offset > 0 ? ` OFFSET ${offset} ROWS` : ''} FETCH FIRST ${limit} ROWS ONLY`,
    `${offset > 0 ? ` OFFSET ${offset}` : ''} FETCH NEXT ${limit} ROW ONLY`,
  ];
  return { pg: rng.pick(forms), limit, offset };
}

/** DuckDB columns of a value: inet as family/number/prefix; inexact numbers as DOUBLE. */
export function outColumns(n: Node): string[] {
  if (n.inet !== undefined) return [n.inet.f, n.inet.n, n.inet.b];
  if (n.approx?.kind === 'pct') return [n.dk, n.approx.nd];
  if (!n.exact) return [`CAST(${n.dk} AS DOUBLE)`];
  return [n.dk];
}

export function sortColumns(n: Node): string[] {
  return n.inet !== undefined ? [n.inet.f, n.inet.n] : [n.dk];
}

export function assemble(
  pg: string,
  items: readonly Item[],
  keys: readonly SortKey[],
  core: (cols: string) => string,
  page: { limit: number | undefined; offset: number },
): DiffQuery {
  const cols: string[] = [];
  const outputs = items.map((it) => {
    const c = outColumns(it.node);
    cols.push(...c);
    return {
      name: it.alias ?? it.node.name,
      type: it.node.type,
      exact: it.node.exact,
      approx: it.node.approx,
      width: c.length,
    };
  });
  const sortNames: string[] = [];
  const sorts = keys.map((k) => {
    const c = sortColumns(k.node);
    for (const expr of c) {
      const name = `y${sortNames.length}`;
      cols.push(expr);
      sortNames.push(`${name}${k.desc ? ' DESC' : ' ASC'}${k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`);
    }
    return { width: c.length, float: !k.node.exact };
  });
  const named = cols.map(
    (c, i) =>
      `${c} AS ${i < cols.length - sortNames.length ? `x${i}` : `y${i - (cols.length - sortNames.length)}`}`,
  );
  let duck = core(named.join(', '));
  if (sortNames.length > 0) {
    const order = `ORDER BY ${sortNames.join(', ')}`;
    const qualify =
      page.limit === undefined ? '' : ` QUALIFY rank() OVER (${order}) <= ${page.offset + page.limit}`;
    duck = `SELECT * FROM (${duck}) q${qualify} ${order}`;
  }
  return { pg, duck, outputs, sorts, limit: page.limit, offset: page.offset };
}
