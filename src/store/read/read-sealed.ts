import type { JobColumns, ScanJob } from '../backend.js';
import type { SegmentReader } from '../segment/types.js';
import { concatJobColumns } from './concat.js';
import { StaleJobError } from './errors.js';
import { isSealedLocation, type SealedPartRef } from './location.js';
import { cachedReader, evictReader } from './reader-cache.js';

/**
 * Reads the named columns of a sealed job: every part it lists, in order, concatenated (string
 * columns re-coded into one dictionary). Synchronous and free of main-thread state — it only opens
 * the files the job's location names (through this thread's reader cache) — so a worker thread
 * can import and call it. A file gone since planning throws
 * StaleJobError (plan again); a checksum mismatch throws CorruptSegmentError with the file's path.
 */
export function readSealedJob(job: ScanJob, columns: readonly string[]): JobColumns {
  const location = job.location;
  if (!isSealedLocation(location)) throw new Error('readSealedJob: not a sealed job');
  const parts: JobColumns[] = [];
  for (const ref of location.parts) {
    const reader = openPlanned(ref);
    try {
      parts.push(reader.readPart(ref.part, columns));
    } catch (err) {
      evictReader(ref.path);
      throw err;
    }
  }
  if (parts.length === 0) return { rows: 0, columns: {}, dicts: {} };
  return concatJobColumns(parts, columns);
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
