import type { NumberArray } from '../../flow/batch.js';
import { bytesPerRow } from '../../flow/column-types.js';
import type { ColumnType } from '../../flow/schema.js';
import type { JobColumns, ReadOptions, ScanJob } from '../backend.js';
import {
  allocateUninitialized,
  type ColumnAllocator,
  isPartOwnName,
  type ReadBuffers,
} from '../encoding/column-alloc.js';
import { knownColumn } from '../segment/known-columns.js';
import type { PartReadOptions, SegmentReader } from '../segment/types.js';
import { StaleJobError } from './errors.js';
import { JobAddresses } from './job-addresses.js';
import { JobDistinct } from './job-distinct.js';
import { JobKeyed } from './job-keyed.js';
import { isSealedLocation, type SealedPartRef } from './location.js';
import { cachedReader, evictReader } from './reader-cache.js';

/**
 * Reads the named columns of a sealed job: every part it lists, in order, concatenated (string
 * columns re-coded into one dictionary). Synchronous and free of main-thread state — it only opens
 * the files the job's location names (through this thread's reader cache) — so a worker thread
 * can import and call it. A file gone since planning throws
 * StaleJobError (plan again); a checksum mismatch throws CorruptSegmentError with the file's path.
 *
 * With `buffers`, the columns are decoded into memory reused from the previous read with the same
 * buffers (valid until then): a worker that is done with a job's columns before it reads the next
 * allocates nothing. A job of several parts is decoded straight into the job's arrays, part after
 * part, with no concatenation copy.
 *
 * Address columns named in `options.addressDicts` come back in dictionary form
 * (`JobColumns.addressDicts`) where the parts store them as dictionaries (format version 4): the
 * indexes and entries in `buffers` too. A job of several parts gets one dictionary of distinct
 * entries, shared by all its address columns (each part's entries merged, and the rows of a part
 * that stored the column otherwise looked up too); a job whose parts are older files returns rows.
 *
 * Columns named in `options.keyed` come back in keyed form (`JobColumns.keyed`: a table per
 * dictionary index of their key address column, and the key's indexes) where the parts store them
 * keyed (version 4), also when the key is not asked. A job of several parts gets one table over
 * its merged dictionary (each part's table moved to the merged indexes), or rows where the parts
 * disagree: an address with two values, or a part that stored the column as rows.
 *
 * Address columns named in `options.distinct` come back as their distinct values only
 * (`JobColumns.distinct`) where the part gives that form (segment/reader-distinct.ts); a job of
 * several parts always does, as the union of its parts' values (job-distinct.ts).
 */
export function readSealedJob(
  job: ScanJob,
  columns: readonly string[],
  buffers?: ReadBuffers,
  options?: ReadOptions,
): JobColumns {
  const location = job.location;
  if (!isSealedLocation(location)) throw new Error('readSealedJob: not a sealed job');
  const allocate = buffers?.allocate ?? allocateUninitialized;
  const refs = location.parts;
  if (refs.length === 0) return { rows: 0, columns: {}, dicts: {} };
  if (refs.length === 1) return readOne(openPlanned(refs[0]!), refs[0]!, columns, allocate, options);

  // Readers are looked up again per part below: a cached reader may be closed to open another.
  let rows = 0;
  for (const ref of refs) rows += openPlanned(ref).meta.parts[ref.part]!.rows;
  const whole: Record<string, NumberArray> = {};
  const wholeType: Record<string, ColumnType> = {};
  let offset = 0;
  // A part whose file stores a column with another type than the first part's (a schema change):
  // decoded apart, then converted into the job's array.
  const converted: [string, NumberArray][] = [];
  // Each part's columns are views into the job's arrays at the part's first row; a part's
  // address dictionary entries are its own (merged below).
  const intoJob: ColumnAllocator = (name, type, partRows) => {
    if (isPartOwnName(name)) return allocate(name, type, partRows);
    let array = whole[name];
    if (array === undefined) {
      array = allocate(name, type, rows);
      whole[name] = array;
      wholeType[name] = type;
    }
    if (wholeType[name] !== type) {
      const apart = allocateUninitialized(name, type, partRows);
      converted.push([name, apart]);
      return apart;
    }
    const width = bytesPerRow(type) / array.BYTES_PER_ELEMENT;
    return array.subarray(offset * width, (offset + partRows) * width);
  };
  const merged = new Map<string, StringMerge>();
  // A column asked in distinct form too comes back so (from every part, job-distinct.ts).
  const asDistinct = options?.distinct?.filter((name) => columns.includes(name)) ?? [];
  const asDict =
    options?.addressDicts?.filter((name) => columns.includes(name) && !asDistinct.includes(name)) ?? [];
  const asKeyed = options?.keyed?.filter((name) => columns.includes(name)) ?? [];
  const keyed =
    asKeyed.length === 0
      ? undefined
      : new JobKeyed(
          asKeyed.map((name) => ({ name, type: knownColumn(name)?.type ?? 'u32' })),
          whole,
          (name, type) => {
            if (whole[name] === undefined) intoJob(name, type, 0);
            return whole[name]!;
          },
        );
  const addresses = asDict.length > 0 || keyed !== undefined ? new JobAddresses(asDict) : undefined;
  const distinct = asDistinct.length > 0 ? new JobDistinct(asDistinct) : undefined;
  const partOptions: PartReadOptions | undefined =
    keyed === undefined ? options : { ...options, keyDicts: true };
  for (const ref of refs) {
    const part = readOne(openPlanned(ref), ref, columns, intoJob, partOptions);
    for (const [name, apart] of converted) {
      const width = bytesPerRow(wholeType[name]!) / whole[name]!.BYTES_PER_ELEMENT;
      whole[name]!.set(apart as never, offset * width);
    }
    converted.length = 0;
    for (const [name, dict] of Object.entries(part.dicts)) {
      let merge = merged.get(name);
      if (merge === undefined) {
        merge = new StringMerge();
        merged.set(name, merge);
      }
      const codes = whole[name] as Uint32Array;
      merge.recode(codes.subarray(offset, offset + part.rows), dict);
    }
    // Before the dictionaries' merge re-codes the part's indexes to the job's.
    distinct?.addPart(part, offset, whole);
    addresses?.addPart(part, offset, wholeType, (key, remap) => keyed?.remapped(part, key, remap, offset));
    keyed?.partDone(part, offset);
    offset += part.rows;
  }
  const dicts: Record<string, readonly string[]> = {};
  for (const [name, merge] of merged) dicts[name] = merge.values;
  const distinctForms = distinct?.finish(allocate);
  if (addresses === undefined && distinctForms === undefined) return { rows, columns: whole, dicts };
  const keyedForms = keyed?.finish(allocate) ?? {};
  const addressDicts = addresses?.finish(whole, allocate) ?? {};
  const out: Record<string, NumberArray> = {};
  for (const name of columns)
    if (
      addressDicts[name] === undefined &&
      keyedForms[name] === undefined &&
      distinctForms?.[name] === undefined
    )
      out[name] = whole[name]!;
  const result: JobColumns = {
    rows,
    columns: out,
    dicts,
    ...(distinctForms ? { distinct: distinctForms } : {}),
  };
  return {
    ...result,
    ...(asDict.length > 0 ? { addressDicts } : {}),
    ...(keyed !== undefined ? { keyed: keyedForms } : {}),
  };
}

function readOne(
  reader: SegmentReader,
  ref: SealedPartRef,
  columns: readonly string[],
  allocate: ColumnAllocator,
  options: ReadOptions | undefined,
): JobColumns {
  try {
    return reader.readPart(ref.part, columns, allocate, options);
  } catch (err) {
    evictReader(ref.path);
    throw err;
  }
}

/** One dictionary for the string column of several parts: each part's codes are re-coded in place. */
class StringMerge {
  readonly values: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  recode(codes: Uint32Array, dict: readonly string[]): void {
    const remap = new Uint32Array(dict.length);
    let same = true;
    for (let code = 0; code < dict.length; code++) {
      const value = dict[code]!;
      let mapped = this.index.get(value);
      if (mapped === undefined) {
        mapped = this.values.length;
        this.values.push(value);
        this.index.set(value, mapped);
      }
      remap[code] = mapped;
      if (mapped !== code) same = false;
    }
    if (same) return;
    for (let row = 0; row < codes.length; row++) codes[row] = remap[codes[row]!]!;
  }
}

function openPlanned(ref: SealedPartRef): SegmentReader {
  let reader: SegmentReader;
  try {
    reader = cachedReader(ref.path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StaleJobError(ref.path);
    throw err;
  }
  if (reader.meta.bytes !== ref.bytes || ref.part >= reader.meta.parts.length) {
    evictReader(ref.path);
    throw new StaleJobError(ref.path);
  }
  return reader;
}
