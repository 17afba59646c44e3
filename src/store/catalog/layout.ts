import { join } from 'node:path';
import type { Resolution } from '../backend.js';
import type { SegmentTable } from '../segment/types.js';
import { lsnHex, minuteDir, tenantDir } from '../write/layout.js';

/**
 * The names of the store's files. The write path (write/layout.ts) owns the tenant folder, the WAL
 * and the names of sealed minutes; compaction and rollups add theirs in the same day folders:
 *
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.seg                  sealed minute, one part per device (write path)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.late-<lsn>.seg       late rows of a sealed minute (write path)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.merged-<lsn>.seg     a minute's segments merged (compaction)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hh>.hour-<lsn>[-<k>].seg   an hour of minutes: parts per (minute, device)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/rollup-<hh>.hour-<lsn>.seg  hourly rollup, one part per device
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/rollup.day-<lsn>.seg        daily rollup, one part per device
 *   DATA/store/<tenant>/quarantine/                                  segments that failed their checksum
 *   DATA/store/<tenant>/compact-<id>.intent.json                     a rewrite in progress (compact/intent.ts)
 *
 * Dates are UTC; `<lsn>` is the header's walLsn in 16 hex digits. Every rewrite gets a new name
 * (a higher or different lsn, and a different kind), never overwriting a file, so a path names
 * immutable content: a reader that planned a job over a file either reads exactly that file or
 * finds it gone (a retryable error). Files ending in `.tmp` are being written; the scan removes them.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type SegmentKind = 'main' | 'late' | 'merged' | 'hour' | 'day';

/** What a segment file name says about its content, before opening it. */
export interface SegmentName {
  readonly table: SegmentTable;
  readonly kind: SegmentKind;
  /** Resolution of the parts' buckets: minute for flows files, hour or day for rollups. */
  readonly resolution: Resolution;
  /** Start of the time the file covers. */
  readonly start: number;
  /** End (exclusive) of the time the file covers. */
  readonly end: number;
}

export function quarantineDir(dataDir: string, tenant: string): string {
  return join(tenantDir(dataDir, tenant), 'quarantine');
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A minute's segments merged by compaction. */
export function mergedSegmentPath(dataDir: string, tenant: string, minute: number, walLsn: number): string {
  const d = new Date(minute);
  return join(
    minuteDir(dataDir, tenant, minute),
    `${two(d.getUTCHours())}${two(d.getUTCMinutes())}.merged-${lsnHex(walLsn)}.seg`,
  );
}

/**
 * An hourly flows file (the minutes of one hour compacted). A large hour is split into several
 * files (`chunk` 1, 2, …; 0 for the first), each holding whole (minute, device) parts.
 */
export function hourSegmentPath(
  dataDir: string,
  tenant: string,
  hour: number,
  walLsn: number,
  chunk = 0,
): string {
  const suffix = chunk === 0 ? '' : `-${chunk}`;
  return join(
    minuteDir(dataDir, tenant, hour),
    `${two(new Date(hour).getUTCHours())}.hour-${lsnHex(walLsn)}${suffix}.seg`,
  );
}

/** A rollup file: hourly (`start` = the hour) or daily (`start` = the day). */
export function rollupSegmentPath(
  dataDir: string,
  tenant: string,
  resolution: 'hour' | 'day',
  start: number,
  walLsn: number,
): string {
  const dir = minuteDir(dataDir, tenant, start);
  if (resolution === 'day') return join(dir, `rollup.day-${lsnHex(walLsn)}.seg`);
  return join(dir, `rollup-${two(new Date(start).getUTCHours())}.hour-${lsnHex(walLsn)}.seg`);
}

const minutePattern = /^(\d{2})(\d{2})(?:\.(late|merged)-[0-9a-f]{16})?\.seg$/;
const hourPattern = /^(\d{2})\.hour-[0-9a-f]{16}(?:-\d+)?\.seg$/;
const rollupHourPattern = /^rollup-(\d{2})\.hour-[0-9a-f]{16}\.seg$/;
const rollupDayPattern = /^rollup\.day-[0-9a-f]{16}\.seg$/;

/** The start of the day of a `<yyyy>/<mm>/<dd>` folder, or undefined. */
export function parseDayDir(yyyy: string, mm: string, dd: string): number | undefined {
  if (!/^\d{4}$/.test(yyyy) || !/^\d{2}$/.test(mm) || !/^\d{2}$/.test(dd)) return undefined;
  const day = Date.parse(`${yyyy}-${mm}-${dd}T00:00:00Z`);
  return Number.isNaN(day) ? undefined : day;
}

/** What a file in a day folder holds; undefined when it is not a segment of this layout. */
export function parseSegmentName(day: number, file: string): SegmentName | undefined {
  const m = minutePattern.exec(file);
  if (m !== null) {
    const start = day + Number(m[1]) * HOUR_MS + Number(m[2]) * MINUTE_MS;
    const kind = (m[3] ?? 'main') as 'main' | 'late' | 'merged';
    return { table: 'flows', kind, resolution: 'minute', start, end: start + MINUTE_MS };
  }
  const h = hourPattern.exec(file);
  if (h !== null) {
    const start = day + Number(h[1]) * HOUR_MS;
    return { table: 'flows', kind: 'hour', resolution: 'minute', start, end: start + HOUR_MS };
  }
  const r = rollupHourPattern.exec(file);
  if (r !== null) {
    const start = day + Number(r[1]) * HOUR_MS;
    return { table: 'rollup', kind: 'hour', resolution: 'hour', start, end: start + HOUR_MS };
  }
  if (rollupDayPattern.test(file)) {
    return { table: 'rollup', kind: 'day', resolution: 'day', start: day, end: day + DAY_MS };
  }
  return undefined;
}

/** Start of the bucket of `time` at a resolution. */
export function bucketStart(time: number, resolution: Resolution): number {
  const width = bucketWidth(resolution);
  return time - (((time % width) + width) % width);
}

export function bucketWidth(resolution: Resolution): number {
  return resolution === 'minute' ? MINUTE_MS : resolution === 'hour' ? HOUR_MS : DAY_MS;
}
