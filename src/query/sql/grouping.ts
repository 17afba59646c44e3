import { SqlState } from '../errors.js';
import { raw } from './build.js';
import type { ErrorSite } from './errors.js';
import { type Ir, sameIr } from './ir.js';

/**
 * Rewrites an expression of an aggregate query over its group keys and aggregates: every
 * subexpression equal to a GROUP BY expression becomes that key; a column left outside both is
 * PostgreSQL's grouping error.
 */
export function perGroup(e: Ir, keys: readonly Ir[], site: ErrorSite, distinct: boolean): Ir {
  if (e.kind !== 'const' && e.kind !== 'agg') {
    const index = keys.findIndex((k) => sameIr(k, e));
    if (index >= 0) return { kind: 'key', index, type: keys[index]!.type, loc: e.loc };
  }
  switch (e.kind) {
    case 'column':
      if (distinct) {
        throw site.at(
          SqlState.invalidColumnReference,
          'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
          e.loc,
        );
      }
      throw site.at(
        SqlState.groupingError,
        `column "${e.qualifier}.${e.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
        e.loc,
      );
    case 'call':
      return raw(
        e.fn,
        e.args.map((a) => perGroup(a, keys, site, distinct)),
        e.type,
        e.loc,
      );
    default:
      return e;
  }
}
