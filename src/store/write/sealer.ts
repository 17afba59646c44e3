import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { failPointAsync, failPointErrorAsync } from '../../metrics/failpoint.js';
import type { SegmentHeader, SegmentPartInput } from '../segment/types.js';
import { fsyncDir } from '../wal/wal-file.js';
import { toStoreError } from './errors.js';
import { lateSegmentPath, minuteSegmentPath } from './layout.js';
import type { OpenBuffer } from './open-buffer.js';
import type { SealWorker } from './seal-worker.js';

/** The segment writer (src/store/segment): writes `path` (we pass a .tmp name and rename it). */
export type WriteSegmentFn = (
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPartInput[],
) => unknown;

/** A segment the write path sealed: the catalog adds it (`onSegment`) in the same tick the rows leave memory. */
export interface SealedSegment {
  readonly tenant: string;
  readonly minute: number;
  readonly path: string;
  readonly walLsn: number;
  readonly rows: number;
  /** The segment file's size. */
  readonly bytes: number;
  readonly late: boolean;
  /** What writeSegment returned (its SegmentMeta). */
  readonly meta: unknown;
}

export interface SealContext {
  readonly dataDir: string;
  readonly schema: readonly ColumnDef[];
  readonly writeSegment: WriteSegmentFn;
  readonly now: () => number;
  /** When set, the segment writer runs in these worker threads instead of `writeSegment`. */
  readonly workers?: readonly SealWorker[];
}

/**
 * Writes a buffer as a segment: to `<path>.tmp`, fsync, rename, fsync the folder. A failure
 * (disk full, …) removes the .tmp and leaves the buffer in memory for the next attempt. The
 * buffer is frozen first, so rows arriving meanwhile go to the minute's next buffer.
 *
 * `turn` (when given) is awaited before the rename: the segments of one minute are renamed into
 * place in order, while their encoding may run in parallel. When it answers false (the buffer
 * before failed), the .tmp is removed and nothing is sealed (undefined): a later segment must not
 * cover LSNs of an earlier buffer that is still only in the WAL.
 *
 * Fail points: store.seal.write (before writing), store.seal.rename (before the rename),
 * store.seal.after (after the rename, before the WAL files are released: a crash point only).
 */
export async function sealBuffer(
  ctx: SealContext,
  tenant: string,
  buffer: OpenBuffer,
  /** Which seal worker to use (concurrent seals each have their own). */
  slot = 0,
  turn?: () => Promise<boolean>,
): Promise<SealedSegment | undefined> {
  buffer.frozen = true;
  let path = buffer.late
    ? lateSegmentPath(ctx.dataDir, tenant, buffer.minute, buffer.durableLsn)
    : minuteSegmentPath(ctx.dataDir, tenant, buffer.minute);
  if (!buffer.late && (await exists(path)))
    path = lateSegmentPath(ctx.dataDir, tenant, buffer.minute, buffer.durableLsn);
  const tmp = `${path}.tmp`;
  const header: SegmentHeader = {
    tenant,
    table: 'flows',
    resolution: 'minute',
    walLsn: buffer.durableLsn,
    createdAt: ctx.now(),
  };
  let meta: unknown;
  let bytes = 0;
  try {
    await mkdir(dirname(path), { recursive: true });
    const write = await failPointErrorAsync('store.seal.write');
    if (write !== undefined) throw write;
    const worker = ctx.workers?.[slot % ctx.workers.length];
    meta =
      worker === undefined
        ? await ctx.writeSegment(tmp, header, ctx.schema, buffer.parts())
        : await worker.write(tmp, header, ctx.schema, buffer);
    bytes = await fsyncFile(tmp);
    if (turn !== undefined && !(await turn())) {
      await rm(tmp, { force: true });
      return undefined;
    }
    const renameFail = await failPointErrorAsync('store.seal.rename');
    if (renameFail !== undefined) throw renameFail;
    await rename(tmp, path);
    await fsyncDir(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw toStoreError(err, `sealing ${path}`);
  }
  try {
    await failPointAsync('store.seal.after');
  } catch {
    // A panic here must not make the caller seal the buffer again: the segment is durable.
  }
  return {
    tenant,
    minute: buffer.minute,
    path,
    walLsn: buffer.durableLsn,
    rows: buffer.rows,
    bytes,
    late: buffer.late,
    meta,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** fsyncs a file; returns its size. */
async function fsyncFile(path: string): Promise<number> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}
