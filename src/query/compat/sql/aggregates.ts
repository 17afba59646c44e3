import type { CVal } from '../catalog/catalog.js';
import { arrayOf, type PgType, pgType } from '../pg-types.js';
import type { Node } from './ast.js';
import { renderText } from './casts.js';
import { evaluate, typeOf } from './expr.js';
import type { EvalContext, Scope } from './scope.js';
import { compare } from './values.js';

export function aggregateType(name: string, args: readonly PgType[]): PgType {
  switch (name) {
    case 'count':
      return pgType('int8');
    case 'sum':
      return args[0]?.typname === 'int8' || args[0]?.typname === 'numeric'
        ? pgType('numeric')
        : args[0]?.typname === 'float8'
          ? args[0]
          : pgType('int8');
    case 'avg':
      return args[0]?.typname === 'float8' ? args[0] : pgType('numeric');
    case 'string_agg':
      return pgType('text');
    case 'array_agg':
      return (args[0] && arrayOf(args[0])) ?? pgType('_text');
    case 'bool_and':
    case 'bool_or':
    case 'every':
      return pgType('bool');
    default:
      return args[0] ?? pgType('text');
  }
}

/** An aggregate over the rows of a group (count(*), DISTINCT and ORDER BY inside the call included). */
export function aggregate(name: string, call: Node, scope: Scope, ctx: EvalContext): CVal {
  const group = scope.group ?? [];
  if (call.agg_star) return group.length;
  const args = (call.args ?? []) as Node[];
  let rows = group;
  if (call.agg_order !== undefined) {
    const keys = (call.agg_order as Node[]).map((s) => s.SortBy);
    const keyed = rows.map((scope) => ({ scope, k: keys.map((s) => evaluate(s.node, scope, ctx)) }));
    keyed.sort((x, y) => {
      for (let i = 0; i < keys.length; i++) {
        const c = compare(x.k[i]!, y.k[i]!) * (keys[i].sortby_dir === 'SORTBY_DESC' ? -1 : 1);
        if (c !== 0) return c;
      }
      return 0;
    });
    rows = keyed.map((e) => e.scope);
  }
  let values = rows.map((scope) => evaluate(args[0]!, scope, ctx));
  const separators = name === 'string_agg' ? rows.map((scope) => evaluate(args[1]!, scope, ctx)) : [];
  if (call.agg_distinct) {
    const seen = new Set<string>();
    values = values.filter((v) => {
      const key = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const present = values.filter((v) => v !== null);
  switch (name) {
    case 'count':
      return present.length;
    case 'sum':
      return present.length === 0 ? null : present.reduce<number>((s, v) => s + Number(v), 0);
    case 'avg':
      return present.length === 0
        ? null
        : present.reduce<number>((s, v) => s + Number(v), 0) / present.length;
    case 'min':
    case 'max': {
      if (present.length === 0) return null;
      const sign = name === 'max' ? 1 : -1;
      return present.reduce((best, v) => (compare(v, best) * sign > 0 ? v : best));
    }
    case 'bool_and':
    case 'every':
      return present.length === 0 ? null : present.every((v) => v === true);
    case 'bool_or':
      return present.length === 0 ? null : present.some((v) => v === true);
    case 'array_agg':
      return values.length === 0 ? null : values;
    default: {
      // string_agg(value, separator): the separator before each value but the first.
      const type = typeOf(args[0]!, rows[0] ?? scope, ctx);
      let out: string | null = null;
      values.forEach((v, i) => {
        if (v === null) return;
        const s = renderText(v, type, ctx.catalog);
        out = out === null ? s : `${out}${separators[i] ?? ''}${s}`;
      });
      return out;
    }
  }
}
