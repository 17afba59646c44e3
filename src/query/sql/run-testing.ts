import type { JobColumns } from '../../store/backend.js';
import { runPlan } from '../exec/test-support.js';
import { planOf } from './testing.js';

/**
 * For the front's regression tests: plans a statement and runs it over one small hand-made job,
 * so that a test states the rows PostgreSQL gives and checks what flowlens computes end to end.
 */

/** A job from plain arrays: numbers for numeric columns, strings for text columns. */
export function tinyJob(columns: Record<string, readonly (number | string)[]>): JobColumns {
  const out: Record<string, Float64Array | Uint32Array> = {};
  const dicts: Record<string, string[]> = {};
  let rows = 0;
  for (const [name, values] of Object.entries(columns)) {
    rows = values.length;
    if (typeof values[0] === 'string') {
      const dict = [''];
      out[name] = Uint32Array.from(values as string[], (v) => {
        const at = dict.indexOf(v);
        return at >= 0 ? at : dict.push(v) - 1;
      });
      dicts[name] = dict;
    } else out[name] = Float64Array.from(values as number[]);
  }
  return { rows, columns: out, dicts };
}

export function runSql(sql: string, job: JobColumns): unknown[][] {
  return runPlan(planOf(sql), [job]);
}
