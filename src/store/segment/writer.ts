import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { crc32c } from '../encoding/crc32c.js';
import { isConstant } from '../encoding/gather-stats.js';
import { BlockEncoder, batchColumn, type EncodedBlock } from './block-encoder.js';
import {
  BLOCK_GROUPED,
  type BlockEntry,
  encodeFooter,
  FILE_MAGIC,
  FORMAT_VERSION,
  HEADER_SIZE,
  type PartEntry,
  TRAILER_MAGIC,
  TRAILER_SIZE,
} from './format.js';
import { type KeyedCandidate, planKeyed } from './keyed-plan.js';
import { segmentMeta } from './meta.js';
import { rebase } from './part-copy.js';
import { PartGather } from './part-gather.js';
import { planPart } from './part-plan.js';
import { StageClock } from './stage-clock.js';
import {
  isStoredPart,
  type SegmentHeader,
  type SegmentMeta,
  type SegmentPart,
  type SegmentPartInput,
} from './types.js';
import { defaultWriteOptions, type SegmentWriteOptions } from './write-options.js';

export {
  conversationColumns,
  defaultWriteOptions,
  type SegmentWriteOptions,
} from './write-options.js';

/** One stored block: its bytes (kept until the file is written) and footer entry without the offset. */
type Stored = { readonly bytes: Uint8Array; readonly entry: Omit<BlockEntry, 'offset'> };

/**
 * Writes the bytes of a segment to `sink` in order; returns its metadata.
 *
 * Each part is planned first (address dictionaries, row order, repeated conversations: see
 * part-plan.ts); then encoding runs column by column over all parts (each column gathered for
 * every part in one pass over the batch, see PartGather), and the compressed blocks are kept
 * until the end, then written in the file's part-major order.
 */
export function encodeSegment(
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  allParts: readonly SegmentPart[],
  sink: (bytes: Uint8Array) => void,
  options: SegmentWriteOptions = {},
  /** When given, the CPU microseconds of each stage are added to it (see StageClock). */
  stages?: Map<string, number>,
): SegmentMeta {
  const parts = allParts.filter((part) => !isStoredPart(part)) as SegmentPartInput[];
  const { level, sortBy, references, groupBy, keyedBy, packing, shareAddresses } = {
    ...defaultWriteOptions,
    ...options,
  };
  const blocks = new BlockEncoder(level, packing);
  const columnIndex = new Map(schema.map((col, i) => [col.name, i]));
  const gather = new PartGather(parts);
  const grouped = new Set(groupBy);
  // Columns read again after their own blocks: plan keys (read first) and reference columns.
  const kept = new Set<string>([...sortBy, ...groupBy]);
  const local = (p: number) => (col: ColumnDef) =>
    blocks.isZero(batchColumn(parts[p]!.batch, col)) ? undefined : gather.get(col.name, col.type, p);
  const clock = stages === undefined ? undefined : new StageClock(stages);
  const plans = parts.map((part, p) =>
    planPart(schema, part.rows.length, local(p), sortBy, groupBy, shareAddresses),
  );
  const isGrouped = (p: number, name: string) =>
    grouped.has(name) && plans[p]!.leaders < plans[p]!.order.length;
  const storedRows = (p: number, name: string): Uint32Array =>
    isGrouped(p, name) ? plans[p]!.order.subarray(0, plans[p]!.leaders) : plans[p]!.order;
  clock?.lap('(plan)');
  const keyed = plans.map((plan, p) => {
    const candidates: KeyedCandidate[] = [];
    for (const col of schema) {
      const keyName = keyedBy[col.name];
      const key = keyName === undefined ? undefined : plan.dicts.get(keyName);
      if (key === undefined || col.type === 'addr' || col.type === 'string') continue;
      const values = local(p)(col);
      // The column must store the same rows as its key.
      if (values === undefined || isGrouped(p, col.name) !== isGrouped(p, keyName!)) continue;
      candidates.push({ name: col.name, type: col.type, values, key });
    }
    return planKeyed(candidates);
  });

  clock?.lap('(keyed tables)');
  const stored: Stored[][] = parts.map(() => new Array<Stored>(schema.length));
  for (const [c, col] of schema.entries()) {
    for (let p = 0; p < parts.length; p++) stored[p]![c] = encodeColumn(p, col);
    clock?.lap(col.name);
    if (!kept.has(col.name)) gather.drop(col.name);
  }
  const repeatBlocks = plans.map((plan) => {
    if (plan.leaderOf.length === 0) return undefined;
    blocks.column = '(repeats)';
    const block = blocks.encodeInts(plan.leaderOf);
    return { bytes: block.stored.slice(), entry: block.entry };
  });
  const addressBlocks = plans.map((plan) => {
    if (plan.shared === undefined) return undefined;
    const block = blocks.encodeAddresses(plan.shared);
    return { bytes: block.stored.slice(), entry: block.entry };
  });
  clock?.lap('(part blocks)');

  function encodeColumn(p: number, col: ColumnDef): Stored {
    const { batch } = parts[p]!;
    const plan = plans[p]!;
    const array = batchColumn(batch, col);
    const n = plan.order.length;
    if (blocks.isZero(array)) {
      const zero = blocks.zeroBlock(col.type, n);
      return { bytes: zero.stored, entry: zero.entry };
    }
    const group = isGrouped(p, col.name);
    const rows = storedRows(p, col.name);
    blocks.column = col.name;
    const block = encodeRows(p, col, rows, group);
    return { bytes: block.stored.slice(), entry: { ...block.entry, flags: group ? BLOCK_GROUPED : 0 } };
  }

  function encodeRows(p: number, col: ColumnDef, rows: Uint32Array, group: boolean): EncodedBlock {
    const { batch } = parts[p]!;
    const plan = plans[p]!;
    const values = gather.get(col.name, col.type, p);
    const table = keyed[p]!.get(col.name);
    if (table !== undefined) {
      const keyIndex = columnIndex.get(keyedBy[col.name]!)!;
      const owner = table.owner === undefined ? undefined : columnIndex.get(table.owner);
      return blocks.encodeKeyed(table.table, keyIndex, owner, !(values instanceof Float64Array), table);
    }
    const refName = references[col.name];
    const refIndex = refName === undefined ? undefined : columnIndex.get(refName);
    if (refIndex !== undefined && values instanceof Float64Array && !group && !grouped.has(refName!)) {
      const ref = schema[refIndex]!;
      if (batchColumn(batch, ref) instanceof Float64Array && !blocks.isZero(batchColumn(batch, ref))) {
        kept.add(ref.name);
        const refValues = gather.get(ref.name, ref.type, p) as Float64Array;
        return blocks.encodeWithReference(values, refValues, refIndex, rows);
      }
    }
    const index = batch.index[col.name]!;
    const dict = plan.dicts.get(col.name);
    const shared = dict !== undefined && plan.shared !== undefined && dict.v4 === plan.shared.v4;
    // One value in every row (the minute, the device, its sampling rate): the block of any one
    // row is the same constant block, without gathering and analysing the others.
    const one = col.type !== 'addr' && rows.length > 1 && isConstant(values, plan.order.length);
    return blocks.encode(
      col.type,
      values,
      batch.dicts[index],
      one ? rows.subarray(0, 1) : rows,
      dict,
      shared,
    );
  }

  const head = new Uint8Array(HEADER_SIZE);
  head.set(FILE_MAGIC);
  new DataView(head.buffer).setUint16(8, FORMAT_VERSION, true);
  sink(head);
  let offset = HEADER_SIZE;
  const place = (block: Stored): BlockEntry => {
    sink(block.bytes);
    const entry = { ...block.entry, offset };
    offset += block.bytes.length;
    return entry;
  };
  let encoded = 0;
  const partEntries: PartEntry[] = allParts.map((part) => {
    if (isStoredPart(part)) {
      sink(part.bytes);
      const entry = rebase(part.entry, offset);
      offset += part.bytes.length;
      return entry;
    }
    const p = encoded++;
    const plan = plans[p]!;
    const repeat = repeatBlocks[p];
    const repeats = repeat === undefined ? undefined : place(repeat);
    const dictionary = addressBlocks[p];
    const addresses = dictionary === undefined ? undefined : place(dictionary);
    const blocksOfPart = stored[p]!.map(place);
    const rows = part.rows.length;
    const leaders = repeats === undefined ? rows : plan.leaders;
    return {
      bucket: part.bucket,
      deviceId: part.deviceId,
      rows,
      leaders,
      repeats,
      addresses,
      blocks: blocksOfPart,
    };
  });
  const footerRaw = encodeFooter({ header, headerCrc: crc32c(head), schema, parts: partEntries });
  const footer = blocks.compressFooter(footerRaw);
  sink(footer.stored);
  const trailer = new Uint8Array(TRAILER_SIZE);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, offset % 0x1_0000_0000, true);
  view.setUint32(4, Math.floor(offset / 0x1_0000_0000), true);
  view.setUint32(8, footer.stored.length, true);
  view.setUint32(12, footerRaw.length, true);
  view.setUint32(16, crc32c(footer.stored), true);
  trailer[20] = footer.codec;
  view.setUint32(24, crc32c(trailer, 0, 24), true);
  trailer.set(TRAILER_MAGIC, 28);
  sink(trailer);
  const bytes = offset + footer.stored.length + TRAILER_SIZE;
  clock?.lap('(file)');
  return segmentMeta({ header, headerCrc: 0, schema, parts: partEntries }, bytes);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function syncFolderSync(path: string): void {
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Writes a segment crash-safely without yielding (for worker threads and compaction): to
 * `path.tmp`, fsync, rename over `path`, fsync the folder. A crash leaves the old state or the
 * complete new file, never a partial one at `path`.
 */
export function writeSegmentSync(
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPart[],
  options?: SegmentWriteOptions,
): SegmentMeta {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  let meta: SegmentMeta;
  try {
    meta = encodeSegment(header, schema, parts, (bytes) => writeAll(fd, bytes), options);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncFolderSync(path);
  return meta;
}

/**
 * Like `writeSegmentSync`, but the file I/O (write, fsync, rename, folder fsync) does not block
 * the event loop; encoding is CPU work and runs before the first await.
 */
export async function writeSegment(
  path: string,
  header: SegmentHeader,
  schema: readonly ColumnDef[],
  parts: readonly SegmentPart[],
  options?: SegmentWriteOptions,
): Promise<SegmentMeta> {
  const chunks: Uint8Array[] = [];
  const meta = encodeSegment(header, schema, parts, (bytes) => chunks.push(bytes.slice()), options);
  await writeFileAtomic(path, Buffer.concat(chunks));
  return meta;
}
