import type { DeviceSummary, Resolution, ScanJob, StorageBackend } from '../store/backend.js';
import { type RollupSafety, rollupSafety, splitsBucket } from './exec/rollup-safety.js';
import type { QueryPlan } from './plan/plan.js';

/**
 * The jobs of a flows query: its [from, to) clipped to the data the devices hold, then split into
 * full days read from daily rollups, full hours from hourly rollups (where those are complete and
 * the plan allows them), and the rest from minutes.
 */
export interface JobsByResolution {
  readonly resolution: Resolution;
  readonly jobs: ScanJob[];
}

export interface TimeSegment {
  readonly resolution: Resolution;
  readonly from: number;
  readonly to: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export async function planJobs(
  backend: StorageBackend,
  tenant: string,
  plan: QueryPlan,
  devices: readonly DeviceSummary[],
): Promise<JobsByResolution[]> {
  const source = plan.source;
  if (source.kind !== 'flows') return [];
  const wanted =
    source.devices === undefined ? devices : devices.filter((d) => source.devices!.includes(d.id));
  if (wanted.length === 0) return [];
  const first = Math.min(...wanted.map((d) => d.firstBucket));
  const last = Math.max(...wanted.map((d) => d.lastBucket));
  // Clipped to whole days around the data, so that clipping never splits a rollup bucket.
  const from = Math.max(plan.from, Math.floor(first / DAY) * DAY);
  const to = Math.min(plan.to, Math.ceil((last + MINUTE) / DAY) * DAY);
  if (!(from < to)) return [];
  const safety = rollupSafety(plan);
  const levels: Level[] = [];
  if (safety.day)
    levels.push({ resolution: 'day', width: DAY, until: await backend.rollupsCompleteUntil(tenant, 'day') });
  if (safety.hour)
    levels.push({
      resolution: 'hour',
      width: HOUR,
      until: await backend.rollupsCompleteUntil(tenant, 'hour'),
    });
  const segments = splitTime(from, to, levels, safety);
  const out = new Map<Resolution, ScanJob[]>();
  for (const seg of segments) {
    const jobs = await backend.jobs({
      tenant,
      devices: source.devices,
      from: seg.from,
      to: seg.to,
      resolution: seg.resolution,
      ranges: plan.ranges,
    });
    const list = out.get(seg.resolution) ?? [];
    list.push(...jobs);
    out.set(seg.resolution, list);
  }
  return [...out].map(([resolution, jobs]) => ({ resolution, jobs }));
}

export interface Level {
  readonly resolution: Resolution;
  readonly width: number;
  /** Rollups of this width are complete before this time. */
  readonly until: number;
}

/** Splits [from, to) into rollup runs (coarsest first) and minute ranges for the rest. */
export function splitTime(
  from: number,
  to: number,
  levels: readonly Level[],
  safety: Pick<RollupSafety, 'atoms'>,
): TimeSegment[] {
  if (!(from < to)) return [];
  const [level, ...finer] = levels;
  if (level === undefined) return [{ resolution: 'minute', from, to }];
  const w = level.width;
  const out: TimeSegment[] = [];
  let cursor = from;
  let runStart: number | undefined;
  const end = Math.min(to, level.until);
  for (let b = Math.ceil(from / w) * w; b + w <= end; b += w) {
    if (splitsBucket(safety.atoms, b, w)) {
      if (runStart !== undefined) {
        out.push({ resolution: level.resolution, from: runStart, to: b });
        cursor = b;
        runStart = undefined;
      }
      continue;
    }
    if (runStart === undefined) {
      out.push(...splitTime(cursor, b, finer, safety));
      runStart = b;
    }
    cursor = b + w;
  }
  if (runStart !== undefined) out.push({ resolution: level.resolution, from: runStart, to: cursor });
  out.push(...splitTime(cursor, to, finer, safety));
  return out;
}
