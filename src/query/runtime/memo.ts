import { createHash } from 'node:crypto';
import type { ScanJob } from '../../store/backend.js';
import type { JobPartial, JobSpec, PartialSize } from '../exec/job-contract.js';
import { estimatePartialBytes } from './partial-bytes.js';

const ENTRY_OVERHEAD = 96;
const SHORT_SPEC_KEY = 64;
const specIds = new WeakMap<JobSpec, string>();

/** The spec's key, or its digest when long. */
function specId(spec: JobSpec): string {
  if (spec.key.length <= SHORT_SPEC_KEY) return spec.key;
  let id = specIds.get(spec);
  if (id === undefined) {
    id = `sha1:${createHash('sha1').update(spec.key).digest('base64')}`;
    specIds.set(spec, id);
  }
  return id;
}

/**
 * Partials of jobs over sealed data, keyed by `${dataId}|${spec.key}` (a long spec key by its
 * SHA-1 digest), and of groups of jobs and their combinations (below): the same data and the same
 * spec give the same partial, so a dashboard re-running a query recomputes only its open minutes.
 * Least recently used entries go first once the bytes (PartialSize of each partial plus its key)
 * exceed the capacity; capacity 0 turns the memo off. Partials are shared with every query that
 * hits them: whoever receives one must not modify it.
 */
export class JobMemo {
  hits = 0;
  misses = 0;
  evictions = 0;
  private used = 0;
  private readonly entries = new Map<string, { partial: JobPartial; bytes: number }>();

  constructor(
    readonly capacity: number,
    private readonly sizeOf: PartialSize = estimatePartialBytes,
  ) {}

  /**
   * The memo key of a job under a spec, or undefined for data still changing (no dataId). A long
   * spec key is replaced by its digest (computed once per spec), so that looking up the jobs of a
   * query does not hash the whole spec text once per job.
   */
  static key(job: ScanJob, spec: JobSpec): string | undefined {
    return job.dataId === undefined ? undefined : `${job.dataId}|${specId(spec)}`;
  }

  /**
   * The memo key of a group of jobs run into one partial (JobGroupKernel): the spec and every
   * job's data, digested; undefined when a job's data is still changing.
   */
  static groupKey(jobs: readonly ScanJob[], spec: JobSpec): string | undefined {
    const hash = createHash('sha1').update(spec.key);
    for (const job of jobs) {
      if (job.dataId === undefined) return undefined;
      hash.update(`|${job.dataId}`);
    }
    return `group:${hash.digest('base64')}`;
  }

  /** The memo key of the combination of a query's memo hits (`ids`: their data or group keys). */
  static combinedKey(ids: readonly string[], spec: JobSpec): string {
    const hash = createHash('sha1').update(spec.key);
    for (const id of ids) hash.update(`|${id}`);
    return `hits:${hash.digest('base64')}`;
  }

  /** Bytes held (gauge). */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): JobPartial | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.partial;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stores a partial; false when it alone is larger than the whole memo. */
  set(key: string, partial: JobPartial): boolean {
    const bytes = this.sizeOf(partial) + 2 * key.length + ENTRY_OVERHEAD;
    this.delete(key);
    if (bytes > this.capacity) return false;
    while (this.used + bytes > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
      this.evictions++;
    }
    this.entries.set(key, { partial, bytes });
    this.used += bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}
