import type { QueryPlan } from '../plan/plan.js';
import { GroupEnv } from './finalize.js';
import { PARTITIONS } from './group-table.js';
import { evalExpr } from './interpret.js';
import type { JobSpec } from './job-contract.js';
import { GroupMerger } from './merge-groups.js';
import type { GroupsPartial, PartsPartial } from './partial.js';
import { topGroupIds } from './top-groups.js';

/**
 * Merging a query's many-group partials on the workers instead of the coordinator. Partials of
 * spillable specs (spillable.ts) list their groups by hash partition, in shared memory; each
 * reduce task merges one range of partitions across all of them. A key lives in one partition,
 * so a partition's merged groups are complete when the task saw every partial of the query: then,
 * under ORDER BY … LIMIT (and HAVING), only the partition's top offset + limit groups come back,
 * which is exact for the whole query. Otherwise (a merge midway through the query's jobs, or no
 * page to select) every merged group comes back, by partition again, for a later merge.
 */
export interface ReduceTask {
  readonly partials: readonly GroupsPartial[];
  /** Hash partitions [from, to). */
  readonly from: number;
  readonly to: number;
  readonly top: ReduceTop | undefined;
}

/** What the page of an aggregate query depends on besides the merged groups. */
export type ReduceTop = Pick<QueryPlan, 'orderBy' | 'limit' | 'offset' | 'having' | 'aggregates'>;

/**
 * Runs one reduce task (on a worker): partition by partition, the partition's entries merged in a
 * table of its own keys only (small enough for the cache), then its top groups or all of them.
 */
export function reducePartitions(spec: JobSpec, task: ReduceTask): PartsPartial | GroupsPartial {
  const merger = new GroupMerger(spec, true);
  const top = task.top;
  const env = top === undefined ? undefined : new GroupEnv(merger, top);
  const having = top?.having;
  const passes =
    having === undefined ? undefined : (g: number) => evalExpr(having, env!.at(g, false)) === true;
  const page = top === undefined ? undefined : { ...top, offset: 0, limit: top.offset + top.limit! };
  const partials: GroupsPartial[] = [];
  // Every group (no page to select): one partial by partition again, for a later reduce.
  const all = page === undefined ? merger.allGroupsOut() : undefined;
  let last = 0;
  let groups = 0;
  for (let part = task.from; part < task.to; part++) {
    merger.reset();
    // Partitions are alike: room for the previous one's groups and a quarter more.
    merger.mergePartitions(task.partials, part, part + 1, last === 0 ? undefined : Math.ceil(last * 1.25));
    const n = merger.groups;
    last = n;
    groups += n;
    if (n === 0) continue;
    if (all !== undefined) merger.writeAll(all, part);
    else {
      const ids = topGroupIds(page!, merger, passes, 0);
      partials.push(merger.toPartial(ids ?? Array.from({ length: n }, (_, g) => g)));
    }
  }
  if (all !== undefined && groups > 0) return all.partial();
  return { kind: 'parts', partials };
}

/** Groups at which merging on the workers beats merging on the coordinator. */
export const REDUCE_MIN_GROUPS = 1 << 20;
/** Reduce tasks per query: a few per worker, so that the work spreads evenly. */
const RANGES = 8;

/**
 * The reduce tasks of hash-ordered partials: partition ranges of about equal groups, every
 * partial in shared memory (else undefined: posting them would copy them once per task).
 */
export function reduceTasks(
  partials: readonly GroupsPartial[],
  top: ReduceTop | undefined,
): ReduceTask[] | undefined {
  if (!partials.every(shared)) return undefined;
  const sizes = new Float64Array(PARTITIONS);
  let total = 0;
  for (const p of partials)
    for (let part = 0; part < PARTITIONS; part++) {
      const n = p.parts![part + 1]! - p.parts![part]!;
      sizes[part]! += n;
      total += n;
    }
  const tasks: ReduceTask[] = [];
  let from = 0;
  let acc = 0;
  for (let part = 0; part < PARTITIONS; part++) {
    acc += sizes[part]!;
    if (acc >= (total * (tasks.length + 1)) / RANGES || part === PARTITIONS - 1) {
      tasks.push({ partials, from, to: part + 1, top });
      from = part + 1;
    }
  }
  return tasks;
}

function shared(p: GroupsPartial): boolean {
  const arrays: unknown[] = [p.keys, p.parts];
  for (const a of p.aggs) {
    if (a.kind === 'count' || a.kind === 'minmax') arrays.push(a.values);
    else if (a.kind === 'sum' || a.kind === 'avg') arrays.push(a.lo, a.hi ?? p.keys, a.n ?? p.keys);
    else return false;
  }
  return arrays.every((a) => ArrayBuffer.isView(a) && a.buffer instanceof SharedArrayBuffer);
}
