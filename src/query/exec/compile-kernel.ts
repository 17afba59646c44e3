import type { JobColumns } from '../../store/backend.js';
import { dictColumnsOf, dictFormOf, expandAddressDicts } from './address-dicts.js';
import { generateAggKernel } from './agg-codegen.js';
import { aggLayout } from './agg-layout.js';
import { sketchDistinctForms } from './distinct-sets.js';
import { emitGroups } from './emit-groups.js';
import { PARTITION_MIN_GROUPS } from './group-table.js';
import type { JobSpec } from './job-contract.js';
import { kernelRuntime } from './kernel-runtime.js';
import { KernelState } from './kernel-state.js';
import { encodingWidth, keyLayout } from './key-layout.js';
import { codedFormOf, expandKeyed, indexGroupKey, keyedColumnsOf, keyedFormOf } from './keyed-columns.js';
import { PairSet } from './pair-set.js';
import type { GroupsPartial, Partial } from './partial.js';
import { generateRowsKernel } from './rows-codegen.js';
import { emitSpilled } from './spill.js';
import { SPILL_GROUPS, spillable } from './spillable.js';

/** A spec compiled into a function over one job's columns. */
export interface CompiledKernel {
  run(job: JobColumns): Partial;
  /** Several jobs into one partial, when the spec is `groupable`. */
  readonly runMany: ((jobs: Iterable<JobColumns>) => Partial) | undefined;
  /** The generated source (for tests and debugging). */
  readonly source: string;
}

type AggFn = (job: JobColumns, st: KernelState) => void;

/** Groups at which a state running several jobs is cut (its table near the size of L2). */
const SPLIT_GROUPS = 32_768;
type RowsFn = (job: JobColumns) => Partial;

/**
 * True for aggregate specs whose kernel state means the same whatever job it came from: no text
 * group key or text aggregate value (those are codes into one job's dictionary). Their kernel can
 * run job after job into one state.
 */
export function groupableSpec(spec: JobSpec): boolean {
  if (!spec.aggregate) return false;
  const keys = keyLayout(spec.groupBy, spec.physical);
  if (keys.encodings.includes('text')) return false;
  return spec.aggregates.every((a) => {
    const l = aggLayout(a, spec.physical);
    return l.encoding !== 'text' && l.values !== 'text';
  });
}

/** Generates and compiles the kernel of a spec (callers cache it per spec key). */
export function compileKernel(spec: JobSpec): CompiledKernel {
  const dictNames = dictColumnsOf(spec);
  const dictSet = new Set(dictNames);
  if (!spec.aggregate) {
    const compile = (dicts: ReadonlySet<string>) => {
      const g = generateRowsKernel(spec, dicts);
      return new Function('rt', 'K', 'spec', g.source)(kernelRuntime, g.consts, spec) as RowsFn;
    };
    const rows = compile(new Set());
    let dicts: RowsFn | undefined;
    return {
      run: (job) => {
        const form = dictFormOf(job, dictNames);
        if (form === 'dict') {
          dicts ??= compile(dictSet);
          return dicts(expandKeyed(job));
        }
        return rows(expandKeyed(form === 'rows' ? job : expandAddressDicts(job)));
      },
      runMany: undefined,
      source: generateRowsKernel(spec).source,
    };
  }
  const gen = generateAggKernel(spec);
  const rowsFn = new Function('rt', 'K', 'spec', gen.source)(kernelRuntime, gen.consts, spec) as AggFn;
  const keyedNames = keyedColumnsOf(spec);
  // Each job by the kernel for the forms it holds its columns in (all share the state's layout).
  const variants = new Map<string, AggFn>();
  const fn = (job: JobColumns, st: KernelState) => {
    if (job.distinct !== undefined) return sketchDistinctForms(spec, job, st);
    const form = dictFormOf(job, dictNames);
    const keyed = keyedFormOf(job, keyedNames);
    if (form === 'rows' && keyed.length === 0) return rowsFn(job, st);
    const dicts = form === 'dict';
    const byIndex = indexGroupKey(spec, job, keyed);
    const coded = codedFormOf(job, keyed);
    const name = `${dicts ? 'dict' : 'rows'}:${keyed.join(',')}:${byIndex ?? ''}:${coded.join(',')}`;
    let variant = variants.get(name);
    if (variant === undefined) {
      const g = generateAggKernel(spec, dicts ? dictSet : new Set(), new Set(keyed), byIndex, new Set(coded));
      variant = new Function('rt', 'K', 'spec', g.source)(kernelRuntime, g.consts, spec) as AggFn;
      variants.set(name, variant);
    }
    variant(form === 'mixed' ? expandAddressDicts(job) : job, st);
  };
  const keys = keyLayout(spec.groupBy, spec.physical);
  const spills = spillable(spec);
  // The jobs of a query are alike: each state starts with room for the previous run's groups.
  let lastGroups = 0;
  const state = (rows: number) => {
    let expected = Math.max(1024, Math.min(rows, Math.ceil(lastGroups * 1.25)));
    if (spills) expected = Math.min(expected, SPILL_GROUPS);
    const st = new KernelState(
      keys.width,
      gen.arrays,
      gen.layouts.length,
      expected,
      spills ? SPILL_GROUPS : undefined,
    );
    gen.layouts.forEach((layout, j) => {
      if (layout.kind === 'distinct') st.pairs[j] = new PairSet(encodingWidth[layout.encoding!], false);
      if (layout.kind === 'percentile') st.pairs[j] = new PairSet(2, true);
    });
    return st;
  };
  const emit = (st: KernelState) => {
    lastGroups = st.table.size;
    if (spills && (st.spill !== undefined || st.table.size >= PARTITION_MIN_GROUPS))
      return emitSpilled(st, keys, gen.layouts);
    return emitGroups(st, keys, gen.layouts);
  };
  return {
    source: gen.source,
    run(job) {
      const st = state(job.rows);
      fn(job, st);
      return emit(st);
    },
    runMany: groupableSpec(spec)
      ? (jobs) => {
          // One state for all the jobs while its table stays within cache (a spilling table always
          // does); a state past that is emitted and the next job starts a new one (a
          // high-cardinality key gives many parts).
          const parts: GroupsPartial[] = [];
          const add = (p: Partial) => {
            if (p.kind === 'parts') parts.push(...p.partials);
            else parts.push(p as GroupsPartial);
          };
          let st: KernelState | undefined;
          for (const job of jobs) {
            st ??= state(job.rows);
            fn(job, st);
            if (!spills && st.table.size >= SPLIT_GROUPS) {
              add(emit(st));
              st = undefined;
            }
          }
          if (st !== undefined || parts.length === 0) add(emit(st ?? state(0)));
          return parts.length === 1 ? parts[0]! : { kind: 'parts', partials: parts };
        }
      : undefined,
  };
}
