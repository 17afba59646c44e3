import type { Resolution, ScanJob, StorageBackend } from '../../store/backend.js';
import { readableInWorker } from './job-task.js';

/**
 * How a query's jobs go to the workers. Sealed jobs a worker reads itself are sent several to a
 * task: each posting, reply and merge costs the same whether a job is small or large.
 *   - Stable groups (with a groupable spec): every job of one device in ten minutes of minutes, or
 *     one day of hourly rollups, run into one partial, memoized under the whole group's data.
 *     A group whose span the query covers only in part (a sliding window's edge) is not formed,
 *     so that a dashboard re-running the query still finds its per-job partials in the memo.
 *   - Batches: other jobs of an aggregate spec, a few per task, one partial (and memo entry) each.
 *   - Single jobs: everything else (open data read on the main thread, plain queries).
 */
/**
 * Ten minutes of minute jobs: larger groups would hold hundreds of thousands of groups of a
 * high-cardinality key in one table (cache misses at every row), smaller ones merge more.
 */
const SPAN: Partial<Record<Resolution, number>> = { minute: 600_000, hour: 86_400_000 };
/** Forming groups needs this many of them per worker, so that every worker stays busy. */
const GROUPS_PER_WORKER = 2;
/** Batches per worker: enough tasks that the work spreads evenly. */
const BATCHES_PER_WORKER = 4;
const MAX_BATCH = 32;

export interface JobUnits {
  readonly groups: ScanJob[][];
  readonly rest: ScanJob[];
}

/**
 * The stable groups among `jobs` (complete spans of one device, at least two jobs each) and the
 * jobs left. A span between a device's first and last span lies wholly inside the query's range;
 * an edge span is complete when the backend lists exactly these jobs for it.
 */
export async function stableGroups(
  jobs: readonly ScanJob[],
  backend: Pick<StorageBackend, 'jobs'>,
  workers: number,
): Promise<JobUnits> {
  const spans = new Map<string, ScanJob[]>();
  const rest: ScanJob[] = [];
  for (const job of jobs) {
    const width = SPAN[job.resolution];
    if (width === undefined || job.dataId === undefined || !readableInWorker(job)) {
      rest.push(job);
      continue;
    }
    const key = `${job.deviceId}:${job.bucket - (job.bucket % width)}`;
    const list = spans.get(key);
    if (list === undefined) spans.set(key, [job]);
    else list.push(job);
  }
  if (spans.size < GROUPS_PER_WORKER * workers) return { groups: [], rest: [...jobs] };
  const edges = edgeSpans(spans);
  const groups: ScanJob[][] = [];
  for (const [key, list] of spans) {
    if (list.length >= 2 && (!edges.has(key) || (await listsAll(list, backend)))) groups.push(list);
    else rest.push(...list);
  }
  if (groups.length < GROUPS_PER_WORKER * workers) return { groups: [], rest: [...jobs] };
  return { groups, rest };
}

/** The first and last span of each device. */
function edgeSpans(spans: ReadonlyMap<string, ScanJob[]>): Set<string> {
  const byDevice = new Map<number, { first: number; last: number }>();
  for (const list of spans.values()) {
    const job = list[0]!;
    const start = job.bucket - (job.bucket % SPAN[job.resolution]!);
    const seen = byDevice.get(job.deviceId);
    if (seen === undefined) byDevice.set(job.deviceId, { first: start, last: start });
    else {
      seen.first = Math.min(seen.first, start);
      seen.last = Math.max(seen.last, start);
    }
  }
  const out = new Set<string>();
  for (const [device, { first, last }] of byDevice) {
    out.add(`${device}:${first}`);
    out.add(`${device}:${last}`);
  }
  return out;
}

/** True when the backend's jobs for the span of `list` are exactly `list` (same data). */
async function listsAll(list: readonly ScanJob[], backend: Pick<StorageBackend, 'jobs'>): Promise<boolean> {
  const job = list[0]!;
  const width = SPAN[job.resolution]!;
  const from = job.bucket - (job.bucket % width);
  const all = await backend.jobs({
    tenant: job.tenant,
    devices: [job.deviceId],
    from,
    to: from + width,
    resolution: job.resolution,
  });
  if (all.length !== list.length) return false;
  const ids = new Set(list.map((j) => j.dataId));
  return all.every((j) => j.dataId !== undefined && ids.has(j.dataId));
}

/** Worker-readable jobs cut into batches (the others stay single, in `rest`). */
export function batches(jobs: readonly ScanJob[], workers: number): JobUnits {
  const readable = jobs.filter(readableInWorker);
  const rest = jobs.filter((j) => !readableInWorker(j));
  const size = Math.min(MAX_BATCH, Math.ceil(readable.length / (BATCHES_PER_WORKER * workers)));
  const groups: ScanJob[][] = [];
  if (size <= 1) return { groups, rest: [...jobs] };
  for (let i = 0; i < readable.length; i += size) groups.push(readable.slice(i, i + size));
  return { groups, rest };
}
