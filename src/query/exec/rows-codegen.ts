import type { Expr } from '../plan/plan.js';
import { condition } from './agg-codegen.js';
import { nullable } from './expr-analysis.js';
import type { JobSpec } from './job-contract.js';
import { KernelBuilder } from './kernel-builder.js';
import { RowCodegen } from './row-codegen.js';

/**
 * Generates the kernel of a plain (non-aggregate) query: filter the rows; with ORDER BY and a
 * LIMIT keep the top `keep` in a heap of row indexes (the comparator is generated too), without
 * ORDER BY stop after `keep` rows; then evaluate the output and ORDER BY values of the kept rows
 * only. Returns the rows as [outputs…, order values…].
 */
export function generateRowsKernel(
  spec: JobSpec,
  dicts: ReadonlySet<string> = new Set(),
): { source: string; consts: unknown[] } {
  const b = new KernelBuilder(spec.physical, dicts);
  const rc = new RowCodegen(b);
  const where = spec.where === undefined ? '' : `if (!${condition(rc, spec.where)}) continue;`;
  const values = [...spec.output, ...spec.orderBy.map((k) => k.expr)].map((e) => value(rc, e, 'r'));
  const ordered = spec.orderBy.length > 0 && spec.keep !== undefined;
  const compare = spec.orderBy.map((k) => {
    const c = compareAt(rc, k.expr);
    return `c = ${k.descending ? `-(${c})` : c}; if (c !== 0) return c;`;
  });
  const collect = ordered ? 'rt.pushTop(heap, i, keep, cmp);' : 'sel.push(i); if (sel.length >= keep) break;';
  const source = [
    'return function kernel(job) {',
    'const n = job.rows;',
    ...b.prelude,
    `const keep = ${spec.keep === undefined ? 'Infinity' : String(spec.keep)};`,
    'const sel = [];',
    'const heap = [];',
    ordered ? `const cmp = (a, b) => { let c = 0; ${compare.join(' ')} return 0; };` : '',
    'if (keep > 0) {',
    'for (let i = 0; i < n; i++) {',
    where,
    collect,
    '}',
    '}',
    `const rows = ${ordered ? 'heap' : 'sel'}.map((r) => [${values.join(', ')}]);`,
    'return { kind: "rows", rows };',
    '};',
  ].join('\n');
  return { source, consts: b.consts };
}

function value(rc: RowCodegen, e: Expr, row: string): string {
  return nullable(e) ? rc.fallback(e, row) : rc.any(e, row);
}

/** An ascending comparison of one ORDER BY key at rows a and b (<0, 0, >0). */
function compareAt(rc: RowCodegen, e: Expr): string {
  if (nullable(e)) return `rt.compareValues(${rc.fallback(e, 'a')}, ${rc.fallback(e, 'b')})`;
  if (e.type === 'text') return `rt.compareText(${rc.str(e, 'a')}, ${rc.str(e, 'b')})`;
  if (e.type === 'inet' || e.type === 'cidr') {
    const x = rc.inet(e, 'a');
    const y = rc.inet(e, 'b');
    return `rt.cmpInet(${x.arr}, ${x.off}, ${x.bits}, ${y.arr}, ${y.off}, ${y.bits})`;
  }
  if (e.type === 'bool') return `(${rc.bool(e, 'a')} ? 1 : 0) - (${rc.bool(e, 'b')} ? 1 : 0)`;
  return `rt.compareNumbers(${rc.num(e, 'a')}, ${rc.num(e, 'b')})`;
}
