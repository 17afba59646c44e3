import { QueryError, SqlState } from '../../errors.js';
import type { Column, CVal } from '../catalog/catalog.js';
import { pgType, pgTypesByOid } from '../pg-types.js';
import { baseName, type Node, tagOf } from './ast.js';
import { evaluate, typeOf } from './expr.js';
import { functions } from './functions.js';
import { type EvalContext, position, type Scope } from './scope.js';
import { truth } from './values.js';

export interface RelationMeta {
  readonly name: string;
  readonly columns: readonly Column[];
}

/** A FROM clause's relations and its rows: one row (or null, for an outer join's missing side) per relation. */
export interface FromRows {
  readonly metas: readonly RelationMeta[];
  readonly tuples: (readonly CVal[] | null)[][];
}

export function scopeOf(
  from: FromRows,
  tuple: readonly (readonly CVal[] | null)[],
  outer: Scope | undefined,
): Scope {
  return {
    bindings: from.metas.map((m, i) => ({ name: m.name, columns: m.columns, row: tuple[i] ?? null })),
    outer,
  };
}

/** The FROM clause as rows: the cross product of its items (a query without FROM has one empty row). */
export function fromRows(
  items: readonly Node[] | undefined,
  outer: Scope | undefined,
  ctx: EvalContext,
): FromRows {
  let acc: FromRows = { metas: [], tuples: [[]] };
  for (const item of items ?? []) {
    const next = fromItem(item, outer, ctx);
    const tuples: (readonly CVal[] | null)[][] = [];
    for (const a of acc.tuples) for (const b of next.tuples) tuples.push([...a, ...b]);
    acc = { metas: [...acc.metas, ...next.metas], tuples };
  }
  return acc;
}

function fromItem(node: Node, outer: Scope | undefined, ctx: EvalContext): FromRows {
  const [tag, n] = tagOf(node);
  switch (tag) {
    case 'RangeVar': {
      const relation = ctx.catalog.relation(n.schemaname, n.relname);
      if (relation === undefined) {
        const full = n.schemaname === undefined ? n.relname : `${n.schemaname}.${n.relname}`;
        throw new QueryError(SqlState.undefinedTable, `relation "${full}" does not exist`, {
          position: position(n.location),
        });
      }
      return {
        metas: [{ name: n.alias?.aliasname ?? n.relname, columns: relation.columns }],
        tuples: relation.rows.map((r) => [r]),
      };
    }
    case 'RangeSubselect': {
      const result = ctx.runSelect(n.subquery, outer);
      const columns = renamed(result.columns, n.alias?.colnames);
      return { metas: [{ name: n.alias?.aliasname ?? '', columns }], tuples: result.rows.map((r) => [r]) };
    }
    case 'RangeFunction':
      return functionRows(n, outer, ctx);
    case 'JoinExpr':
      return join(n, outer, ctx);
    default:
      throw new QueryError(
        SqlState.featureNotSupported,
        `${tag} in FROM is not supported in catalog queries`,
      );
  }
}

function renamed(columns: readonly Column[], colnames: Node[] | undefined): Column[] {
  if (colnames === undefined) return [...columns];
  return columns.map((c, i) => ({
    name: (colnames[i]?.String?.sval as string | undefined) ?? c.name,
    type: c.type,
  }));
}

/** generate_series and unnest as row sources; any other function gives one row (its value). */
function functionRows(n: Node, outer: Scope | undefined, ctx: EvalContext): FromRows {
  const call = n.functions[0].List.items[0].FuncCall as Node | undefined;
  if (call === undefined || n.functions.length > 1)
    throw new QueryError(
      SqlState.featureNotSupported,
      'this function form in FROM is not supported in catalog queries',
    );
  const fname = baseName(call.funcname);
  const scope = outer ?? { bindings: [] };
  const args = ((call.args ?? []) as Node[]).map((a) => evaluate(a, scope, ctx));
  const argTypes = ((call.args ?? []) as Node[]).map((a) => typeOf(a, scope, ctx));
  const alias = n.alias?.aliasname as string | undefined;
  const colname = (n.alias?.colnames?.[0]?.String?.sval as string | undefined) ?? alias ?? fname;
  let values: CVal[];
  let type = pgType('int4');
  if (fname === 'generate_series') {
    values = [];
    const [start, stop, step = 1] = args;
    if (start !== null && stop !== null && step !== null) {
      if (Number(step) === 0)
        throw new QueryError(SqlState.invalidParameterValue, 'step size cannot equal zero');
      for (let v = Number(start); Number(step) > 0 ? v <= Number(stop) : v >= Number(stop); v += Number(step))
        values.push(v);
    }
    if (argTypes.some((t) => t.typname === 'int8')) type = pgType('int8');
  } else if (fname === 'unnest') {
    values = args[0] === null ? [] : [...(args[0] as CVal[])];
    const elem = argTypes[0]?.elem;
    type = elem === undefined ? pgType('text') : (pgTypesByOid.get(elem) ?? pgType('text'));
  } else {
    const fn = functions[fname];
    if (fn === undefined)
      throw new QueryError(SqlState.undefinedFunction, `function ${fname}() does not exist`, {
        position: position(call.location),
      });
    values = [!fn.lenient && args.some((a) => a === null) ? null : fn.call(args, ctx, argTypes)];
    type = fn.ret(argTypes);
  }
  return {
    metas: [{ name: alias ?? fname, columns: [{ name: colname, type }] }],
    tuples: values.map((v) => [[v]]),
  };
}

function join(n: Node, outer: Scope | undefined, ctx: EvalContext): FromRows {
  if (n.isNatural)
    throw new QueryError(SqlState.featureNotSupported, 'NATURAL JOIN is not supported in catalog queries');
  const left = fromItem(n.larg, outer, ctx);
  const right = fromItem(n.rarg, outer, ctx);
  const metas = [...left.metas, ...right.metas];
  const both: FromRows = { metas, tuples: [] };
  const using = ((n.usingClause ?? []) as Node[]).map((u) => u.String.sval as string);
  const matches = (l: (readonly CVal[] | null)[], r: (readonly CVal[] | null)[]): boolean => {
    const scope = scopeOf(both, [...l, ...r], outer);
    if (using.length > 0) return using.every((col) => usingEqual(col, scope));
    return n.quals === undefined || truth(evaluate(n.quals, scope, ctx)) === true;
  };
  const kind = n.jointype as string;
  const nullsLeft = left.metas.map(() => null);
  const nullsRight = right.metas.map(() => null);
  const rightMatched = new Set<number>();
  const tuples: (readonly CVal[] | null)[][] = [];
  for (const l of left.tuples) {
    let matched = false;
    right.tuples.forEach((r, i) => {
      if (!matches(l, r)) return;
      matched = true;
      rightMatched.add(i);
      tuples.push([...l, ...r]);
    });
    if (!matched && (kind === 'JOIN_LEFT' || kind === 'JOIN_FULL')) tuples.push([...l, ...nullsRight]);
  }
  if (kind === 'JOIN_RIGHT' || kind === 'JOIN_FULL')
    right.tuples.forEach((r, i) => {
      if (!rightMatched.has(i)) tuples.push([...nullsLeft, ...r]);
    });
  return { metas, tuples };
}

function usingEqual(column: string, scope: Scope): boolean {
  const values = scope.bindings
    .filter((b) => b.columns.some((c) => c.name === column))
    .map((b) => b.row?.[b.columns.findIndex((c) => c.name === column)] ?? null);
  return values.length === 2 && values[0] !== null && values[0] === values[1];
}
