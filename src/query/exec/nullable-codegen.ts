import type { Expr } from '../plan/plan.js';
import { sumUpdate } from './agg-codegen.js';
import type { AggLayout } from './agg-layout.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { RowCodegen } from './row-codegen.js';

/**
 * An argument that may be NULL (CASE without ELSE, nullif, …): evaluated by the interpreter,
 * NULL rows skipped, the value fed to the aggregate's state like a computed one.
 */
export function nullableUpdate(
  b: KernelBuilder,
  rc: RowCodegen,
  arg: Expr,
  layout: AggLayout,
  j: number,
  one: string,
  setup: string[],
): string {
  const head = `const x = ${rc.fallback(arg, 'i')}; if (x !== null)`;
  switch (layout.kind) {
    case 'count':
      return `{ ${head} A${j}[g] += ${one}; }`;
    case 'sum':
    case 'avg':
      return `{ ${head} ${sumUpdate('Number(x)', layout, j, one)} }`;
    case 'percentile': {
      const pairs = b.perJob(`pairs${j}`, `st.pairs[${j}]`);
      return `{ ${head} { F[0] = Number(x) + 0; ${pairs}.add(g, ${one}, FW[0], FW[1]); } }`;
    }
    case 'hll': {
      const sketches = b.perJob(`hll${j}`, `st.hll[${j}]`);
      return `{ ${head} { rt.hashValue(x); (${sketches}[g] ?? rt.hll(st, ${j}, g)).addHash(rt.hash[0], rt.hash[1]); } }`;
    }
    case 'distinct': {
      const pairs = b.perJob(`pairs${j}`, `st.pairs[${j}]`);
      if (layout.encoding === 'text') {
        const intern = b.perJob(`nintern${j}`, 'rt.intern()');
        setup.push(`st.aggTables[${j}] = ${intern}.strings;`);
        return `{ ${head} ${pairs}.add(g, 1, ${intern}.code(x)); }`;
      }
      const enc = JSON.stringify(layout.encoding);
      return `{ ${head} { const w = rt.valueWords(x, ${enc}); ${pairs}.add(g, 1, w[0], w[1], w[2], w[3], w[4]); } }`;
    }
    case 'minmax': {
      if (layout.values === 'num') {
        return `{ ${head} { const v = Number(x); if (!(v ${layout.max ? '<=' : '>='} A${j}[g])) A${j}[g] = v; } }`;
      }
      if (layout.values === 'inet')
        return `{ ${head} rt.inetMinMax(st, ${j}, g, x.bytes, 0, x.bits, ${layout.max}); }`;
      const intern = b.perJob(`nintern${j}`, 'rt.intern()');
      setup.push(`st.aggTables[${j}] = ${intern}.strings;`);
      const t = `${intern}.strings`;
      return `{ ${head} { const c = ${intern}.code(x); const cur = A${j}[g]; if (c !== cur && (cur < 0 || rt.compareText(${t}[c], ${t}[cur]) ${layout.max ? '>' : '<'} 0)) A${j}[g] = c; } }`;
    }
  }
}
