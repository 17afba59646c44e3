import { QueryError, SqlState } from '../../errors.js';
import type { CVal } from '../catalog/catalog.js';
import { arrayOf, type PgType, pgType, pgTypeByAnyName, pgTypesByOid } from '../pg-types.js';
import { aggregate, aggregateType } from './aggregates.js';
import { baseName, constValue, integerLiteral, type Node, names, tagOf } from './ast.js';
import { castValue } from './casts.js';
import { commonType } from './common-type.js';
import { caseExpr, coalesceExpr, conditionalType, minMaxExpr } from './conditionals.js';
import { aggregateNames, functions } from './functions.js';
import { anyOf, negate, operator, operatorType } from './operators.js';
import { type EvalContext, position, resolveColumn, type Scope } from './scope.js';
import { truth } from './values.js';

const bool = pgType('bool');
const text = pgType('text');
const unknown = pgType('unknown');

/** Evaluates an expression node for the current row of `scope`. */
export function evaluate(node: Node, scope: Scope, ctx: EvalContext): CVal {
  const [tag, n] = tagOf(node);
  switch (tag) {
    case 'A_Const':
      return constValue(n);
    case 'ColumnRef': {
      const { binding, index } = resolveColumn(names(n.fields), scope, n.location)!;
      return binding.row === null ? null : (binding.row[index] ?? null);
    }
    case 'ParamRef': {
      const i = (n.number as number) - 1;
      if (i < 0 || i >= ctx.params.length)
        throw new QueryError(SqlState.undefinedParameter, `there is no parameter $${i + 1}`, {
          position: position(n.location),
        });
      return ctx.params[i]!;
    }
    case 'TypeCast':
      return castValue(
        evaluate(n.arg, scope, ctx),
        typeOf(n.arg, scope, ctx),
        castTarget(n.typeName),
        ctx.catalog,
      );
    case 'CollateClause':
      return evaluate(n.arg, scope, ctx);
    case 'A_Expr':
      return operator(n, scope, ctx);
    case 'BoolExpr':
      return boolExpr(n, scope, ctx);
    case 'NullTest': {
      const v = evaluate(n.arg, scope, ctx);
      return n.nulltesttype === 'IS_NULL' ? v === null : v !== null;
    }
    case 'BooleanTest':
      return booleanTest(n.booltesttype as string, truth(evaluate(n.arg, scope, ctx)));
    case 'FuncCall':
      return call(n, scope, ctx);
    case 'CaseExpr':
      return caseExpr(n, scope, ctx);
    case 'CoalesceExpr':
      return coalesceExpr(n, scope, ctx);
    case 'MinMaxExpr':
      return minMaxExpr(n, scope, ctx);
    case 'SQLValueFunction':
      return sqlValueFunction(n.op as string, ctx);
    case 'A_ArrayExpr':
      return ((n.elements ?? []) as Node[]).map((e) => evaluate(e, scope, ctx));
    case 'A_Indirection':
      return indirection(n, scope, ctx);
    case 'SubLink':
      return subLink(n, scope, ctx);
    case 'RowExpr':
      return ((n.args ?? []) as Node[]).map((e) => evaluate(e, scope, ctx));
    default:
      throw new QueryError(SqlState.featureNotSupported, `${tag} is not supported in catalog queries`);
  }
}

/** The type of an expression (what RowDescription and casts need), decided without running it. */
export function typeOf(node: Node, scope: Scope, ctx: EvalContext): PgType {
  const [tag, n] = tagOf(node);
  switch (tag) {
    case 'A_Const':
      if (n.isnull || n.sval !== undefined) return unknown;
      if (n.boolval !== undefined) return bool;
      // Integers past int4 arrive as Float nodes: int8 while they fit, as PostgreSQL types them.
      if (n.fval !== undefined) return pgType(integerLiteral(n.fval.fval) === undefined ? 'numeric' : 'int8');
      return pgType('int4');
    case 'ColumnRef': {
      const { binding, index } = resolveColumn(names(n.fields), scope, n.location)!;
      return binding.columns[index]!.type;
    }
    case 'TypeCast':
      return castTarget(n.typeName);
    case 'CollateClause':
      return typeOf(n.arg, scope, ctx);
    case 'A_Expr':
      return operatorType(n, scope, ctx);
    case 'BoolExpr':
    case 'NullTest':
    case 'BooleanTest':
      return bool;
    case 'FuncCall': {
      const fname = baseName(n.funcname);
      const argTypes = ((n.args ?? []) as Node[]).map((a) => typeOf(a, scope, ctx));
      if (aggregateNames.has(fname)) return aggregateType(fname, argTypes);
      const fn = functions[fname];
      if (fn === undefined) return text;
      return fn.ret(argTypes);
    }
    case 'CaseExpr':
    case 'CoalesceExpr':
    case 'MinMaxExpr':
      return conditionalType(n, scope, ctx);
    case 'SQLValueFunction':
      return n.op === 'SVFOP_CURRENT_TIMESTAMP' || n.op === 'SVFOP_LOCALTIMESTAMP'
        ? pgType('timestamptz')
        : pgType('name');
    case 'A_ArrayExpr': {
      const elements = (n.elements ?? []) as Node[];
      const elem = commonType(
        elements.map((e) => typeOf(e, scope, ctx)),
        'ARRAY',
      );
      return arrayOf(elem) ?? pgType('_text');
    }
    case 'A_Indirection': {
      const arr = typeOf(n.arg, scope, ctx);
      return arr.elem === undefined ? text : (pgTypesByOid.get(arr.elem) ?? text);
    }
    case 'SubLink': {
      if (n.subLinkType === 'EXPR_SUBLINK' || n.subLinkType === 'ARRAY_SUBLINK') {
        const sub = ctx.runSelect(n.subselect, scope);
        const first = sub.columns[0]?.type ?? text;
        return n.subLinkType === 'ARRAY_SUBLINK' ? (arrayOf(first) ?? pgType('_text')) : first;
      }
      return bool;
    }
    case 'ParamRef':
      return unknown;
    default:
      return text;
  }
}

/** The type a TypeName names, with [] making it an array. */
export function castTarget(typeName: Node): PgType {
  const parts = names(typeName.names);
  const last = parts[parts.length - 1]!;
  const type = pgTypeByAnyName(
    last === 'char' && parts[0] !== 'pg_catalog' && typeName.typmods ? 'bpchar' : last,
  );
  if (type === undefined)
    throw new QueryError(SqlState.undefinedObject, `type "${last}" does not exist`, {
      position: position(typeName.location),
    });
  if (typeName.arrayBounds !== undefined) return arrayOf(type) ?? pgType('_text');
  return type;
}

function boolExpr(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const args = n.args as Node[];
  if (n.boolop === 'NOT_EXPR') {
    const v = truth(evaluate(args[0]!, scope, ctx));
    return v === null ? null : !v;
  }
  const and = n.boolop === 'AND_EXPR';
  let sawNull = false;
  for (const arg of args) {
    const v = truth(evaluate(arg, scope, ctx));
    if (v === null) sawNull = true;
    else if (v !== and) return v;
  }
  return sawNull ? null : and;
}

function booleanTest(kind: string, v: boolean | null): boolean {
  switch (kind) {
    case 'IS_TRUE':
      return v === true;
    case 'IS_NOT_TRUE':
      return v !== true;
    case 'IS_FALSE':
      return v === false;
    case 'IS_NOT_FALSE':
      return v !== false;
    case 'IS_UNKNOWN':
      return v === null;
    default:
      return v !== null;
  }
}

function call(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const fname = baseName(n.funcname);
  const argNodes = (n.args ?? []) as Node[];
  if (aggregateNames.has(fname)) {
    if (scope.group === undefined)
      throw new QueryError(SqlState.groupingError, `aggregate function calls are not allowed here`, {
        position: position(n.location),
      });
    return aggregate(fname, n, scope, ctx);
  }
  const fn = functions[fname];
  if (fn === undefined) {
    if (fname === 'generate_series' || fname === 'unnest')
      throw new QueryError(
        SqlState.featureNotSupported,
        `${fname}() is supported only in FROM in catalog queries`,
      );
    throw new QueryError(
      SqlState.undefinedFunction,
      `function ${names(n.funcname).join('.')}() does not exist`,
      {
        position: position(n.location),
        hint: 'flowlens answers catalog queries with a subset of PostgreSQL functions (see docs/pg.md).',
      },
    );
  }
  const args = argNodes.map((a) => evaluate(a, scope, ctx));
  if (!fn.lenient && args.some((a) => a === null)) return null;
  return fn.call(
    args,
    ctx,
    argNodes.map((a) => typeOf(a, scope, ctx)),
  );
}

function sqlValueFunction(op: string, ctx: EvalContext): CVal {
  switch (op) {
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_USER':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_CURRENT_ROLE':
      return ctx.session.user;
    case 'SVFOP_CURRENT_CATALOG':
      return functions.current_database!.call([], ctx, []);
    case 'SVFOP_CURRENT_SCHEMA':
      return functions.current_schema!.call([], ctx, []);
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_LOCALTIMESTAMP':
      return ctx.now;
    default:
      throw new QueryError(
        SqlState.featureNotSupported,
        `${op.replace('SVFOP_', '').toLowerCase()} is not supported in catalog queries`,
      );
  }
}

function indirection(n: Node, scope: Scope, ctx: EvalContext): CVal {
  let v = evaluate(n.arg, scope, ctx);
  for (const ind of n.indirection as Node[]) {
    if (v === null) return null;
    const idx = ind.A_Indices;
    if (idx === undefined || idx.is_slice)
      throw new QueryError(SqlState.featureNotSupported, 'only array subscripts are supported here');
    const i = evaluate(idx.uidx, scope, ctx);
    if (i === null) return null;
    v = Array.isArray(v) ? (v[Number(i) - 1] ?? null) : null;
  }
  return v;
}

function subLink(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const result = ctx.runSelect(n.subselect, scope);
  switch (n.subLinkType as string) {
    case 'EXISTS_SUBLINK':
      return result.rows.length > 0;
    case 'EXPR_SUBLINK':
      if (result.rows.length > 1)
        throw new QueryError(
          SqlState.cardinalityViolation,
          'more than one row returned by a subquery used as an expression',
        );
      return result.rows[0]?.[0] ?? null;
    case 'ARRAY_SUBLINK':
      return result.rows.map((r) => r[0] ?? null);
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      const left = evaluate(n.testexpr, scope, ctx);
      const op = n.operName === undefined ? '=' : baseName(n.operName);
      const items = result.rows.map((r) => r[0] ?? null);
      if (n.subLinkType === 'ANY_SUBLINK') return anyOf(left, items, op);
      const anyFalse = anyOf(left, items, negate(op));
      return anyFalse === null ? null : !anyFalse;
    }
    default:
      throw new QueryError(
        SqlState.featureNotSupported,
        `${n.subLinkType} is not supported in catalog queries`,
      );
  }
}
