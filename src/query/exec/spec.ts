import { type ColumnType, flowColumns, rollupColumns } from '../../flow/schema.js';
import type { Resolution } from '../../store/backend.js';
import type { Field } from '../api.js';
import type { Expr, QueryPlan } from '../plan/plan.js';
import { columnsOf } from './expr-analysis.js';
import type { JobSpec, KernelAggregate, PhysicalType } from './job-contract.js';

/** The physical form of each schema type in JobColumns. */
const physicalOf: Readonly<Record<ColumnType, PhysicalType>> = {
  u8: 'u8',
  u16: 'u16',
  u32: 'u32',
  u64: 'f64',
  time: 'f64',
  mac: 'f64',
  addr: 'addr',
  string: 'string',
};

const flowPhysical: Record<string, PhysicalType> = Object.fromEntries(
  [...flowColumns, ...rollupColumns].map((c) => [c.name, physicalOf[c.type]]),
);

/** The devices table's columns as the coordinator builds them (src/query/tables.ts). */
export const devicesPhysical: Readonly<Record<string, PhysicalType>> = {
  id: 'f64',
  name: 'string',
  flows: 'f64',
  first_seen: 'f64',
  last_seen: 'f64',
};

/** A table-store table's columns (src/store/table): numbers as float64, text as codes. */
function tablePhysical(fields: readonly Field[]): Record<string, PhysicalType> {
  return Object.fromEntries(fields.map((f) => [f.name, f.type === 'text' ? 'string' : 'f64']));
}

/** The rollup column that counts the flows summed into a rollup row. */
export const FLOW_COUNT = 'flow_count';

/**
 * The JobSpec of a plan at a resolution. Over rollups count(*) and count(x) sum flow_count, avg
 * divides sum(x) by it; the engine only asks for rollups when `rollupResolutions` allows them.
 */
export function specFromPlan(plan: QueryPlan, resolution: Resolution): JobSpec {
  const rollup = resolution !== 'minute';
  const source = plan.source.kind;
  // The columns the expressions of this spec read (a time filter dropped for a job drops its column).
  const used = new Set<string>();
  const read = (e: Expr | undefined) => {
    if (e !== undefined) for (const c of columnsOf(e)) used.add(c);
  };
  read(plan.where);
  if (plan.aggregate) {
    plan.groupBy.forEach(read);
    for (const a of plan.aggregates) {
      read(a.arg);
      read(a.filter);
    }
  } else {
    for (const o of plan.output) read(o.expr);
    for (const o of plan.orderBy) read(o.expr);
  }
  const columns = [...used].sort();
  const aggregates: KernelAggregate[] = plan.aggregates.map((a) => {
    const weighted = rollup && (a.fn === 'count' || a.fn === 'avg');
    if (rollup && a.fn === 'percentile_cont') throw new Error('percentile_cont cannot read rollups');
    return {
      fn: a.fn,
      arg: a.arg,
      filter: a.filter,
      weight: weighted ? FLOW_COUNT : undefined,
    };
  });
  if (aggregates.some((a) => a.weight !== undefined) && !columns.includes(FLOW_COUNT))
    columns.push(FLOW_COUNT);
  const physical: Record<string, PhysicalType> = {};
  const known =
    plan.source.kind === 'devices'
      ? devicesPhysical
      : plan.source.kind === 'table'
        ? tablePhysical(plan.source.columns)
        : flowPhysical;
  for (const name of columns) {
    const p = known[name];
    if (p === undefined) throw new Error(`no physical type for column ${name}`);
    physical[name] = p;
  }
  const body = {
    columns,
    source,
    resolution,
    physical,
    where: plan.where,
    aggregate: plan.aggregate,
    groupBy: plan.aggregate ? plan.groupBy : [],
    aggregates: plan.aggregate ? aggregates : [],
    output: plan.aggregate ? [] : plan.output.map((o) => o.expr),
    orderBy: plan.aggregate ? [] : plan.orderBy,
    keep: plan.aggregate || plan.limit === undefined ? undefined : plan.offset + plan.limit,
  };
  return { key: canonical(body), ...body };
}

/** Deterministic text of plain data: sorted object keys, bytes as hex, every number exactly. */
export function canonical(v: unknown): string {
  if (v === undefined) return 'u';
  if (v === null) return 'n';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${k}:${canonical(o[k])}`).join(',')}}`;
}
