import type { QueryPlan } from '../plan/plan.js';
import type { GroupMerger } from './merge-groups.js';

/**
 * ORDER BY … LIMIT over merged groups without building a value per group: when every sort key is
 * a group key or an aggregate whose values are plain numbers (no NULL, NaN or bigint in any
 * group), the keys are read into Float64Arrays and the top offset + limit group ids are selected
 * with a heap. Ties keep group order (the order a stable sort of all groups gives), so the page
 * is exactly the one finishGroups would return. Undefined when the fast form does not apply.
 */
const MIN_GROUPS = 256;

export function topGroupIds(
  plan: Pick<QueryPlan, 'limit' | 'offset' | 'orderBy'>,
  merger: GroupMerger,
  passes: ((g: number) => boolean) | undefined,
  minGroups = MIN_GROUPS,
): number[] | undefined {
  const n = merger.groups;
  if (plan.limit === undefined || plan.orderBy.length === 0 || n < minGroups) return undefined;
  const keep = plan.offset + plan.limit;
  if (keep * 4 > n) return undefined;
  const columns: Float64Array[] = [];
  for (const key of plan.orderBy) {
    const values = merger.numbers(key.expr);
    if (values === undefined) return undefined;
    // Descending keys are negated so that every key sorts ascending.
    if (key.descending) for (let g = 0; g < n; g++) values[g] = -values[g]!;
    columns.push(values);
  }
  const before = (a: number, b: number): boolean => {
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k]!;
      const x = c[a]!;
      const y = c[b]!;
      if (x !== y) return x < y;
    }
    return a < b;
  };
  const heap: number[] = [];
  for (let g = 0; g < n; g++) {
    if (passes !== undefined && !passes(g)) continue;
    if (heap.length < keep) {
      siftUp(heap, g, before);
      continue;
    }
    if (keep === 0 || !before(g, heap[0]!)) continue;
    siftDown(heap, g, before);
  }
  heap.sort((a, b) => (before(a, b) ? -1 : 1));
  return heap.slice(plan.offset);
}

/** Max-heap under `before` (the root is the last of the kept ids). */
function siftUp(heap: number[], g: number, before: (a: number, b: number) => boolean): void {
  let i = heap.length;
  heap.push(g);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[parent]!, g)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = g;
}

/** Replaces the root with g and restores the heap. */
function siftDown(heap: number[], g: number, before: (a: number, b: number) => boolean): void {
  const size = heap.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const big = r < size && before(heap[l]!, heap[r]!) ? r : l;
    if (!before(g, heap[big]!)) break;
    heap[i] = heap[big]!;
    i = big;
  }
  heap[i] = g;
}
