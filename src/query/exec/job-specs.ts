import type { Resolution, ScanJob } from '../../store/backend.js';
import type { Expr, QueryPlan } from '../plan/plan.js';
import type { JobSpec } from './job-contract.js';
import { specFromPlan } from './spec.js';

/**
 * Per-job specialisation of the time filter. Every row of a job has i_start_time in its bucket
 * [bucket, bucket + width), so a top-level WHERE conjunct `i_start_time op constant` is either true
 * for the whole job (dropped: the kernel skips the compare, and jobs inside the range share one
 * spec whatever now() is — which is what lets the memo answer a sliding dashboard window), false
 * for the whole job (the job is not run), or kept for the edge buckets.
 */
export interface SpecJobs {
  readonly spec: JobSpec;
  readonly jobs: ScanJob[];
}

const WIDTH: Readonly<Record<Resolution, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const TIME = 'i_start_time';

export function specsForJobs(plan: QueryPlan, resolution: Resolution, jobs: readonly ScanJob[]): SpecJobs[] {
  const conjuncts = plan.where === undefined ? [] : flattenAnd(plan.where);
  const atoms = conjuncts.map(timeAtom);
  if (atoms.every((a) => a === undefined))
    return jobs.length === 0 ? [] : [{ spec: cachedSpec(plan, resolution), jobs: [...jobs] }];
  const width = WIDTH[resolution];
  const variants = new Map<string, { kept: Expr[]; jobs: ScanJob[] }>();
  next: for (const job of jobs) {
    const start = job.bucket;
    const end = start + width;
    const kept: Expr[] = [];
    let mask = '';
    for (let i = 0; i < conjuncts.length; i++) {
      const atom = atoms[i];
      const state = atom === undefined ? 'mixed' : truthOver(atom, start, end);
      if (state === 'false') continue next;
      if (state === 'mixed') kept.push(conjuncts[i]!);
      mask += state === 'true' ? '1' : '0';
    }
    let variant = variants.get(mask);
    if (variant === undefined) {
      variant = { kept, jobs: [] };
      variants.set(mask, variant);
    }
    variant.jobs.push(job);
  }
  return [...variants].map(([mask, { kept, jobs: list }]) => ({
    spec: cachedSpec(plan, resolution, mask, () => ({ ...plan, where: andOf(kept) })),
    jobs: list,
  }));
}

const specs = new WeakMap<QueryPlan, Map<string, JobSpec>>();

/**
 * The spec of a plan at a resolution (with the WHERE of time-atom state `mask`), built once per
 * plan object: a plan the engine's plan cache hands out again gets the same spec again, which
 * spares building its canonical key (and the memo's digest of it) on a repeat.
 */
export function cachedSpec(
  plan: QueryPlan,
  resolution: Resolution,
  mask = '',
  variant: () => QueryPlan = () => plan,
): JobSpec {
  let byKey = specs.get(plan);
  if (byKey === undefined) {
    byKey = new Map();
    specs.set(plan, byKey);
  }
  const key = `${resolution}|${mask}`;
  let spec = byKey.get(key);
  if (spec === undefined) {
    spec = specFromPlan(variant(), resolution);
    byKey.set(key, spec);
  }
  return spec;
}

interface Atom {
  readonly op: 'lt' | 'le' | 'gt' | 'ge';
  readonly value: number;
}

function flattenAnd(e: Expr): Expr[] {
  return e.kind === 'call' && e.fn === 'and' ? e.args.flatMap(flattenAnd) : [e];
}

function andOf(list: Expr[]): Expr | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return { kind: 'call', fn: 'and', type: 'bool', args: list };
}

const flipped = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' } as const;

function timeAtom(e: Expr): Atom | undefined {
  if (e.kind !== 'call' || !(e.fn === 'lt' || e.fn === 'le' || e.fn === 'gt' || e.fn === 'ge'))
    return undefined;
  const [a, b] = e.args as [Expr, Expr];
  const isTime = (x: Expr) => x.kind === 'column' && x.name === TIME;
  const constant = (x: Expr) => (x.kind === 'const' && typeof x.value === 'number' ? x.value : undefined);
  if (isTime(a) && constant(b) !== undefined) return { op: e.fn, value: constant(b)! };
  if (isTime(b) && constant(a) !== undefined) return { op: flipped[e.fn], value: constant(a)! };
  return undefined;
}

/** The atom's value for every t in [start, end): 'true', 'false', or 'mixed' (conservatively). */
function truthOver(atom: Atom, start: number, end: number): 'true' | 'false' | 'mixed' {
  const c = atom.value;
  switch (atom.op) {
    case 'ge':
      return start >= c ? 'true' : end <= c ? 'false' : 'mixed';
    case 'gt':
      return start > c ? 'true' : end <= c ? 'false' : 'mixed';
    case 'lt':
      return end <= c ? 'true' : start >= c ? 'false' : 'mixed';
    case 'le':
      return end <= c ? 'true' : start > c ? 'false' : 'mixed';
  }
}
