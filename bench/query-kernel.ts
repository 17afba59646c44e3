import { createFlowBatch } from '../src/flow/batch.js';
import { runJobKernel } from '../src/query/exec/kernel-entry.js';
import { specFromPlan } from '../src/query/exec/spec.js';
import type { AggregateCall, Expr, QueryPlan } from '../src/query/plan/plan.js';
import type { JobColumns } from '../src/store/backend.js';
import { DataSet } from './store-data.js';

/**
 * Query kernels on one core, over one job of `rows` flows of the store benchmark's data set (already
 * decoded: this is the kernel alone, no storage). Prints JSON: median rows per second per kernel.
 * Usage: node dist/bench/query-kernel.js [rows]
 */
const rows = Number(process.argv[2] ?? 1_000_000);
const batch = createFlowBatch(rows);
batch.reserve(rows);
new DataSet({ flows: rows }).fill(batch, rows);
const column = (name: keyof typeof batch.index) => batch.arrays[batch.index[name]]!;
const job: JobColumns = {
  rows,
  columns: {
    i_start_time: column('i_start_time'),
    src_as: column('src_as'),
    in_pkts: column('in_pkts'),
    in_bytes: column('in_bytes'),
    src_addr: column('src_addr'),
  },
  dicts: {},
};
const start = column('i_start_time')[0]!;

const col = (name: string, type: Expr['type']): Expr => ({ kind: 'column', name, type });
const plan = (groupBy: Expr[], aggregates: AggregateCall[], where?: Expr): QueryPlan => ({
  source: { kind: 'flows', devices: undefined },
  from: Number.NEGATIVE_INFINITY,
  to: Number.POSITIVE_INFINITY,
  ranges: [],
  where,
  aggregate: true,
  groupBy,
  aggregates,
  output: [],
  having: undefined,
  orderBy: [],
  limit: undefined,
  offset: 0,
  columns: Object.keys(job.columns),
  rollupEligible: false,
});
const since: Expr = {
  kind: 'call',
  fn: 'ge',
  type: 'bool',
  args: [col('i_start_time', 'timestamptz'), { kind: 'const', type: 'timestamptz', value: start }],
};
const kernels: Record<string, QueryPlan> = {
  /** The seed query's kernel for the minutes inside its window (the engine drops the time test there). */
  seed_inner_minutes: plan(
    [col('src_as', 'int8')],
    [{ fn: 'sum', arg: col('in_pkts', 'int8'), type: 'numeric' }],
  ),
  seed_src_as_sum_in_pkts: plan(
    [col('src_as', 'int8')],
    [{ fn: 'sum', arg: col('in_pkts', 'int8'), type: 'numeric' }],
    since,
  ),
  src_addr_sum_in_bytes: plan(
    [col('src_addr', 'inet')],
    [{ fn: 'sum', arg: col('in_bytes', 'int8'), type: 'numeric' }],
  ),
  approx_distinct_src_addr: plan(
    [],
    [{ fn: 'approx_count_distinct', arg: col('src_addr', 'inet'), type: 'int8' }],
  ),
};

/** Wall time per run and CPU time per run (the machine may be shared: CPU time excludes waiting). */
const out: Record<string, { rows_per_sec: number; rows_per_cpu_sec: number; groups: number }> = {};
for (const [name, p] of Object.entries(kernels)) {
  const spec = specFromPlan(p, 'minute');
  const times: number[] = [];
  const cpu: number[] = [];
  let groups = 0;
  for (let run = 0; run < 15; run++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const partial = runJobKernel(spec, job) as { groups: number };
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    groups = partial.groups;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = (xs: number[]) => Math.round(rows / (xs[7]! / 1000));
  out[name] = { rows_per_sec: median(times), rows_per_cpu_sec: median(cpu), groups };
}
console.log(JSON.stringify({ rows, kernels: out }, null, 2));
