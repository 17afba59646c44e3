import { QueryError, SqlState } from '../../errors.js';
import type { Column, CVal } from '../catalog/catalog.js';
import { pgType } from '../pg-types.js';
import { type Node, names, tagOf } from './ast.js';
import { evaluate, typeOf } from './expr.js';
import { fromRows, scopeOf } from './from.js';
import { aggregateNames } from './functions.js';
import { outputName } from './output-name.js';
import type { EvalContext, ResultSet, Scope } from './scope.js';
import { compare, truth } from './values.js';

interface Target {
  readonly name: string;
  readonly node: Node;
}

/** Runs a SELECT (a { SelectStmt } node or its body) over the catalog; `outer` for correlated subqueries. */
export function runSelect(stmt: Node, outer: Scope | undefined, ctx: EvalContext): ResultSet {
  const s = (stmt.SelectStmt ?? stmt) as Node;
  if (s.withClause !== undefined)
    throw new QueryError(SqlState.featureNotSupported, 'WITH is not supported in catalog queries');
  if (s.op !== undefined && s.op !== 'SETOP_NONE') return finish(setOperation(s, outer, ctx), s, ctx);
  if (s.valuesLists !== undefined) return finish(values(s, outer, ctx), s, ctx);

  const from = fromRows(s.fromClause, outer, ctx);
  let scopes = from.tuples.map((t) => scopeOf(from, t, outer));
  if (s.whereClause !== undefined)
    scopes = scopes.filter((scope) => truth(evaluate(s.whereClause, scope, ctx)) === true);
  const metaScope = scopeOf(
    from,
    from.metas.map(() => null),
    outer,
  );
  const targets = expandTargets(s.targetList ?? [], metaScope);

  const grouped =
    s.groupClause !== undefined ||
    hasAggregate([...targets.map((t) => t.node), s.havingClause, ...sortNodes(s)]);
  if (grouped) {
    scopes = groups(scopes, s.groupClause ?? [], targets, metaScope, ctx);
    if (s.havingClause !== undefined)
      scopes = scopes.filter((scope) => truth(evaluate(s.havingClause, scope, ctx)) === true);
  }
  const typeScope = scopes[0] ?? (grouped ? { ...metaScope, group: [] } : metaScope);
  const columns: Column[] = targets.map((t) => ({
    name: t.name,
    type: resolved(typeOf(t.node, typeScope, ctx)),
  }));
  let rows = scopes.map((scope) => ({ scope, values: targets.map((t) => evaluate(t.node, scope, ctx)) }));
  if (s.distinctClause !== undefined) {
    if (s.distinctClause.length > 0 && Object.keys(s.distinctClause[0]).length > 0)
      throw new QueryError(SqlState.featureNotSupported, 'DISTINCT ON is not supported in catalog queries');
    rows = distinct(rows, (r) => r.values);
  }
  if (s.sortClause !== undefined) rows = sorted(rows, s.sortClause, columns, ctx);
  return limited({ columns, rows: rows.map((r) => r.values) }, s, ctx);
}

function resolved(type: Column['type']): Column['type'] {
  return type.typname === 'unknown' ? pgType('text') : type;
}

function expandTargets(list: Node[], meta: Scope): Target[] {
  const out: Target[] = [];
  for (const item of list) {
    const rt = item.ResTarget;
    const ref = rt.val.ColumnRef;
    if (ref !== undefined && ref.fields[ref.fields.length - 1].A_Star !== undefined) {
      const qualifier = ref.fields.length > 1 ? names(ref.fields)[ref.fields.length - 2] : undefined;
      for (const binding of meta.bindings) {
        if (qualifier !== undefined && binding.name !== qualifier) continue;
        for (const column of binding.columns)
          out.push({
            name: column.name,
            node: {
              ColumnRef: { fields: [{ String: { sval: binding.name } }, { String: { sval: column.name } }] },
            },
          });
      }
      continue;
    }
    out.push({ name: rt.name ?? outputName(rt.val), node: rt.val });
  }
  return out;
}

function sortNodes(s: Node): Node[] {
  return ((s.sortClause ?? []) as Node[]).map((x) => x.SortBy.node);
}

/** Whether an aggregate call appears outside any subquery. */
function hasAggregate(nodes: readonly unknown[]): boolean {
  const visit = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(visit);
    if (n === null || typeof n !== 'object') return false;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'SubLink') continue;
      if (key === 'FuncCall' && aggregateNames.has(names((value as Node).funcname).pop() ?? '')) return true;
      if (visit(value)) return true;
    }
    return false;
  };
  return nodes.some(visit);
}

function groups(scopes: Scope[], groupBy: Node[], targets: Target[], meta: Scope, ctx: EvalContext): Scope[] {
  const keyNodes = groupBy.map((g) => groupKeyNode(g, targets));
  if (keyNodes.length === 0) return [{ ...(scopes[0] ?? meta), group: scopes }];
  const byKey = new Map<string, Scope[]>();
  for (const scope of scopes) {
    const key = JSON.stringify(
      keyNodes.map((k) => evaluate(k, scope, ctx)),
      bigintSafe,
    );
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [scope]);
    else list.push(scope);
  }
  return [...byKey.values()].map((list) => ({ ...list[0]!, group: list }));
}

function groupKeyNode(node: Node, targets: Target[]): Node {
  const [tag, n] = tagOf(node);
  if (tag === 'A_Const' && n.ival !== undefined) {
    const target = targets[(n.ival.ival as number) - 1];
    if (target === undefined)
      throw new QueryError(
        SqlState.invalidColumnReference,
        `GROUP BY position ${n.ival.ival} is not in select list`,
      );
    return target.node;
  }
  return node;
}

interface OutRow {
  readonly scope: Scope | undefined;
  readonly values: CVal[];
}

function sorted<T extends OutRow>(
  rows: T[],
  sortClause: Node[],
  columns: readonly Column[],
  ctx: EvalContext,
): T[] {
  const keys = sortClause.map((x) => {
    const sb = x.SortBy;
    const desc = sb.sortby_dir === 'SORTBY_DESC';
    const nullsFirst =
      sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc);
    return { node: sb.node as Node, desc, nullsFirst, output: outputIndex(sb.node, columns) };
  });
  const keyed = rows.map((row) => ({
    row,
    k: keys.map((key) => {
      if (key.output !== undefined) return row.values[key.output] ?? null;
      if (row.scope === undefined)
        throw new QueryError(
          SqlState.featureNotSupported,
          'ORDER BY of a set operation must name an output column',
        );
      return evaluate(key.node, row.scope, ctx);
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.k[i]!;
      const y = b.k[i]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === keys[i]!.nullsFirst ? -1 : 1;
      }
      const c = compare(x, y);
      if (c !== 0) return keys[i]!.desc ? -c : c;
    }
    return 0;
  });
  return keyed.map((e) => e.row);
}

function outputIndex(node: Node, columns: readonly Column[]): number | undefined {
  const [tag, n] = tagOf(node);
  if (tag === 'A_Const' && n.ival !== undefined) {
    const i = (n.ival.ival as number) - 1;
    if (i < 0 || i >= columns.length)
      throw new QueryError(
        SqlState.invalidColumnReference,
        `ORDER BY position ${i + 1} is not in select list`,
      );
    return i;
  }
  if (tag === 'ColumnRef' && n.fields.length === 1) {
    const i = columns.findIndex((c) => c.name === n.fields[0].String?.sval);
    return i < 0 ? undefined : i;
  }
  return undefined;
}

function distinct<T>(rows: T[], key: (r: T) => CVal[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = JSON.stringify(key(r), bigintSafe);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function bigintSafe(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

function setOperation(s: Node, outer: Scope | undefined, ctx: EvalContext): ResultSet {
  const left = runSelect(s.larg, outer, ctx);
  const right = runSelect(s.rarg, outer, ctx);
  if (left.columns.length !== right.columns.length)
    throw new QueryError(SqlState.syntaxError, 'each UNION query must have the same number of columns');
  const columns = left.columns.map((c, i) =>
    c.type.typname === 'text' && right.columns[i]!.type.typname !== 'text'
      ? { ...c, type: right.columns[i]!.type }
      : c,
  );
  const key = (r: CVal[]) => JSON.stringify(r, bigintSafe);
  let rows: CVal[][];
  if (s.op === 'SETOP_UNION') rows = [...left.rows, ...right.rows];
  else {
    const inRight = new Set(right.rows.map(key));
    rows = left.rows.filter((r) => inRight.has(key(r)) === (s.op === 'SETOP_INTERSECT'));
  }
  if (!s.all) rows = distinct(rows, (r) => r);
  return { columns, rows };
}

function values(s: Node, outer: Scope | undefined, ctx: EvalContext): ResultSet {
  const scope = outer ?? { bindings: [] };
  const lists = (s.valuesLists as Node[]).map((l) => l.List.items as Node[]);
  const columns = lists[0]!.map((node, i) => ({
    name: `column${i + 1}`,
    type: resolved(typeOf(node, scope, ctx)),
  }));
  return { columns, rows: lists.map((items) => items.map((node) => evaluate(node, scope, ctx))) };
}

/** ORDER BY / LIMIT / OFFSET of a set operation or VALUES, over output columns only. */
function finish(result: ResultSet, s: Node, ctx: EvalContext): ResultSet {
  let rows: OutRow[] = result.rows.map((values) => ({ scope: undefined, values }));
  if (s.sortClause !== undefined) rows = sorted(rows, s.sortClause, result.columns, ctx);
  return limited({ columns: result.columns, rows: rows.map((r) => r.values) }, s, ctx);
}

function limited(result: ResultSet, s: Node, ctx: EvalContext): ResultSet {
  const empty = { bindings: [] };
  const offset = s.limitOffset === undefined ? 0 : Number(evaluate(s.limitOffset, empty, ctx) ?? 0);
  const count = s.limitCount === undefined ? null : evaluate(s.limitCount, empty, ctx);
  if (count !== null && Number(count) < 0)
    throw new QueryError(SqlState.invalidRowCountInLimitClause, 'LIMIT must not be negative');
  if (offset < 0)
    throw new QueryError(SqlState.invalidRowCountInResultOffsetClause, 'OFFSET must not be negative');
  if (offset === 0 && count === null) return result;
  return {
    columns: result.columns,
    rows: result.rows.slice(offset, count === null ? undefined : offset + Number(count)),
  };
}
