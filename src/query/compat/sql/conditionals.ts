import type { CVal } from '../catalog/catalog.js';
import type { PgType } from '../pg-types.js';
import { constValue, type Node } from './ast.js';
import { castValue } from './casts.js';
import { commonType } from './common-type.js';
import { evaluate, typeOf } from './expr.js';
import type { EvalContext, Scope } from './scope.js';
import { compare, equals, truth } from './values.js';

/** CASE, COALESCE, GREATEST and LEAST: one type for all their branches, as PostgreSQL resolves it. */

interface Branches {
  /** The type of the whole expression. */
  readonly type: PgType;
  /** The type of each branch: CASE's results then its ELSE, or the arguments. */
  readonly types: readonly PgType[];
}

const resolvedBranches = new WeakMap<Node, Branches>();

/**
 * The common type of CASE's results, COALESCE's or GREATEST / LEAST's arguments, resolved once per
 * node. As in PostgreSQL, a string literal among them is read as that type then, whichever branch
 * a row takes ('a' in CASE … THEN 1 ELSE 'a' END fails with 22P02).
 */
function branches(n: Node, scope: Scope, ctx: EvalContext): Branches {
  let resolved = resolvedBranches.get(n);
  if (resolved !== undefined) return resolved;
  const nodes: Node[] =
    n.args?.[0]?.CaseWhen === undefined
      ? (n.args as Node[])
      : [...(n.args as Node[]).map((w) => w.CaseWhen.result as Node), ...(n.defresult ? [n.defresult] : [])];
  const types = nodes.map((node) => typeOf(node, scope, ctx));
  const what =
    n.args?.[0]?.CaseWhen !== undefined
      ? 'CASE'
      : n.op === undefined
        ? 'COALESCE'
        : n.op === 'IS_GREATEST'
          ? 'GREATEST'
          : 'LEAST';
  const type = commonType(types, what);
  nodes.forEach((node, i) => {
    const c = node.A_Const as Node | undefined;
    if (c?.sval !== undefined) coerce(constValue(c), types[i]!, type, ctx);
  });
  resolved = { type, types };
  resolvedBranches.set(n, resolved);
  return resolved;
}

function coerce(v: CVal, from: PgType, to: PgType, ctx: EvalContext): CVal {
  return v === null || from.oid === to.oid ? v : castValue(v, from, to, ctx.catalog);
}

/** The type of a CASE, COALESCE, GREATEST or LEAST. */
export function conditionalType(n: Node, scope: Scope, ctx: EvalContext): PgType {
  return branches(n, scope, ctx).type;
}

export function caseExpr(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const { type, types } = branches(n, scope, ctx);
  const subject = n.arg === undefined ? undefined : evaluate(n.arg, scope, ctx);
  const whens = n.args as Node[];
  for (let i = 0; i < whens.length; i++) {
    const when = whens[i]!.CaseWhen;
    const hit =
      subject === undefined
        ? truth(evaluate(when.expr, scope, ctx)) === true
        : equals(subject, evaluate(when.expr, scope, ctx)) === true;
    if (hit) return coerce(evaluate(when.result, scope, ctx), types[i]!, type, ctx);
  }
  if (n.defresult === undefined) return null;
  return coerce(evaluate(n.defresult, scope, ctx), types[whens.length]!, type, ctx);
}

export function coalesceExpr(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const { type, types } = branches(n, scope, ctx);
  const args = n.args as Node[];
  for (let i = 0; i < args.length; i++) {
    const v = evaluate(args[i]!, scope, ctx);
    if (v !== null) return coerce(v, types[i]!, type, ctx);
  }
  return null;
}

export function minMaxExpr(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const { type, types } = branches(n, scope, ctx);
  const values = (n.args as Node[])
    .map((a, i) => coerce(evaluate(a, scope, ctx), types[i]!, type, ctx))
    .filter((v) => v !== null);
  if (values.length === 0) return null;
  const sign = n.op === 'IS_GREATEST' ? 1 : -1;
  return values.reduce((best, v) => (compare(v, best) * sign > 0 ? v : best));
}
