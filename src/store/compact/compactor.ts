import { flowColumns } from '../../flow/schema.js';
import type { Timer } from '../../metrics/timer.js';
import type { CatalogFile } from '../catalog/catalog.js';
import {
  HOUR_MS,
  hourSegmentPath,
  MINUTE_MS,
  mergedSegmentPath,
  type SegmentName,
} from '../catalog/layout.js';
import { PartCopier } from '../catalog/segment-io.js';
import type { SegmentPart } from '../segment/types.js';
import type { CompactionMetrics } from '../store-metrics.js';
import { groupParts, maxWalLsn, type PartGroup, readGroup, totalRows } from './gather.js';
import { type RewriteOutput, type RewriteTarget, rewriteSegments } from './rewrite.js';
import { allRows, jobColumnsToBatch } from './to-batch.js';

export interface CompactionConfig {
  /** Sealed minutes of hours that ended this long ago are compacted into one file per hour. */
  hourlyAfterMs: number;
  /**
   * Rows per output file: a rewrite holds one output's rows decoded in memory (~400 bytes a row),
   * so a larger hour is split into several hourly files. A minute merge above it is skipped.
   */
  maxRowsPerFile: number;
}

export const defaultCompactionConfig: CompactionConfig = {
  hourlyAfterMs: 2 * HOUR_MS,
  maxRowsPerFile: 2_000_000,
};

export interface CompactionResult {
  /** Minutes whose main and late segments were merged. */
  minutesMerged: number;
  /** Hours rewritten into hourly files. */
  hoursCompacted: number;
  /** Input files replaced. */
  filesReplaced: number;
  /** Minute merges skipped for size. */
  skippedTooLarge: number;
}

/**
 * One compaction pass over a tenant's flows files:
 * - an hour that ended `hourlyAfterMs` ago or more and still has minute files (or an hourly file
 *   plus late segments that arrived after it) becomes one hourly file (or a few, for a large hour)
 *   with parts per (minute, device);
 * - in younger hours, a minute with late segments has them merged with its main segment.
 *
 * Why an hour with open rows is skipped: the hourly file's walLsn is the highest of its inputs and
 * stands for every minute of the hour (catalog coveredLsn), so a row of that hour still in memory
 * with a lower LSN would be skipped by a WAL replay after a crash. Checking for open rows after
 * taking the snapshot of inputs makes that impossible: rows arriving later get higher LSNs than any
 * input. Merging one minute needs no check (a minute's buffers are sealed in LSN order).
 */
export async function compactTenant(
  target: RewriteTarget,
  config: CompactionConfig,
  now: number,
  hasOpenRows: (tenant: string, from: number, to: number) => boolean,
  metrics: CompactionMetrics,
): Promise<CompactionResult> {
  const result: CompactionResult = {
    minutesMerged: 0,
    hoursCompacted: 0,
    filesReplaced: 0,
    skippedTooLarge: 0,
  };
  const byHour = new Map<number, CatalogFile[]>();
  for (const file of target.catalog.files(target.tenant, 'flows')) {
    const hour = file.name.start - (file.name.start % HOUR_MS);
    const list = byHour.get(hour);
    if (list === undefined) byHour.set(hour, [file]);
    else list.push(file);
  }
  for (const [hour, files] of byHour) {
    if (hour + HOUR_MS + config.hourlyAfterMs <= now) {
      if (files.every((f) => f.name.kind === 'hour' && f.meta.header.walLsn === files[0]!.meta.header.walLsn))
        continue;
      if (hasOpenRows(target.tenant, hour, hour + HOUR_MS)) continue;
      await measured(metrics, metrics.hour, files, () =>
        compactHour(target, hour, files, config.maxRowsPerFile, metrics),
      );
      result.hoursCompacted++;
      result.filesReplaced += files.length;
      continue;
    }
    for (const [minute, minuteFiles] of groupByMinute(files)) {
      if (minuteFiles.length < 2) continue;
      if (totalRows(minuteFiles) > config.maxRowsPerFile) {
        result.skippedTooLarge++;
        continue;
      }
      await measured(metrics, metrics.merge, minuteFiles, () =>
        mergeMinute(target, minute, minuteFiles, metrics),
      );
      result.minutesMerged++;
      result.filesReplaced += minuteFiles.length;
    }
  }
  return result;
}

/** Runs one rewrite, timed, and counts its rows and bytes in and out. */
async function measured(
  metrics: CompactionMetrics,
  timer: Timer,
  inputs: readonly CatalogFile[],
  rewrite: () => Promise<readonly CatalogFile[]>,
): Promise<void> {
  const t0 = timer.start();
  const outputs = await rewrite();
  timer.stop(t0);
  metrics.rows.inc(totalRows(inputs));
  metrics.inputBytes.inc(fileBytes(inputs));
  metrics.outputBytes.inc(fileBytes(outputs));
}

function fileBytes(files: readonly CatalogFile[]): number {
  let bytes = 0;
  for (const file of files) bytes += file.meta.bytes;
  return bytes;
}

function groupByMinute(files: readonly CatalogFile[]): Map<number, CatalogFile[]> {
  const out = new Map<number, CatalogFile[]>();
  for (const file of files) {
    if (file.name.kind === 'hour') continue;
    const list = out.get(file.name.start);
    if (list === undefined) out.set(file.name.start, [file]);
    else list.push(file);
  }
  return out;
}

async function mergeMinute(
  target: RewriteTarget,
  minute: number,
  inputs: CatalogFile[],
  metrics: CompactionMetrics,
): Promise<CatalogFile[]> {
  const walLsn = maxWalLsn(inputs);
  const name: SegmentName = {
    table: 'flows',
    kind: 'merged',
    resolution: 'minute',
    start: minute,
    end: minute + MINUTE_MS,
  };
  const path = mergedSegmentPath(target.dataDir, target.tenant, minute, walLsn);
  return rewriteSegments(
    target,
    [flowsOutput(target, path, name, walLsn, groupParts(inputs), metrics)],
    inputs,
  );
}

async function compactHour(
  target: RewriteTarget,
  hour: number,
  inputs: CatalogFile[],
  maxRows: number,
  metrics: CompactionMetrics,
): Promise<CatalogFile[]> {
  const walLsn = maxWalLsn(inputs);
  const name: SegmentName = {
    table: 'flows',
    kind: 'hour',
    resolution: 'minute',
    start: hour,
    end: hour + HOUR_MS,
  };
  const outputs = chunkGroups(groupParts(inputs), maxRows).map((groups, chunk) =>
    flowsOutput(
      target,
      hourSegmentPath(target.dataDir, target.tenant, hour, walLsn, chunk),
      name,
      walLsn,
      groups,
      metrics,
    ),
  );
  return rewriteSegments(target, outputs, inputs);
}

/** Splits groups (in order) into runs of at most `maxRows` rows; a larger group is a run alone. */
function chunkGroups(groups: readonly PartGroup[], maxRows: number): PartGroup[][] {
  const chunks: PartGroup[][] = [];
  let current: PartGroup[] = [];
  let rows = 0;
  for (const group of groups) {
    if (current.length > 0 && rows + group.rows > maxRows) {
      chunks.push(current);
      current = [];
      rows = 0;
    }
    current.push(group);
    rows += group.rows;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function flowsOutput(
  target: RewriteTarget,
  path: string,
  name: SegmentName,
  walLsn: number,
  groups: readonly PartGroup[],
  metrics: CompactionMetrics,
): RewriteOutput {
  const header = {
    tenant: target.tenant,
    table: 'flows' as const,
    resolution: 'minute' as const,
    walLsn,
    createdAt: Date.now(),
  };
  // A (minute, device) found in one file moves as stored; one with late rows to merge (or in a
  // file of an older format) is decoded and encoded again.
  const parts = (): SegmentPart[] => {
    const copier = new PartCopier(flowColumns);
    try {
      return groups.map((group) => {
        const only = group.refs.length === 1 ? group.refs[0]! : undefined;
        const stored = only === undefined ? undefined : copier.part(only.path, only.part);
        if (stored !== undefined) {
          metrics.parts.copied.inc();
          return stored;
        }
        metrics.parts.encoded.inc();
        const columns = readGroup(target.tenant, group, flowColumns);
        return {
          bucket: group.bucket,
          deviceId: group.deviceId,
          batch: jobColumnsToBatch(columns, flowColumns),
          rows: allRows(columns.rows),
        };
      });
    } finally {
      copier.close();
    }
  };
  return { path, name, header, schema: flowColumns, parts };
}
