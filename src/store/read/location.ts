/**
 * Where a sealed job's rows are: the parts (file path, part index) of one (bucket, device) across
 * the main, late, merged and hourly files. Plain data, so a job posted to a worker thread can be
 * read there by `readSealedJob` with no state of the main thread.
 */
export interface SealedPartRef {
  readonly path: string;
  readonly part: number;
  /** File size when planned: part of the data identity. */
  readonly bytes: number;
}

export interface SealedLocation {
  readonly kind: 'sealed';
  readonly parts: readonly SealedPartRef[];
}

export function isSealedLocation(location: unknown): location is SealedLocation {
  return (
    typeof location === 'object' &&
    location !== null &&
    (location as { kind?: unknown }).kind === 'sealed' &&
    Array.isArray((location as { parts?: unknown }).parts)
  );
}

/**
 * The identity of sealed data: file paths, sizes and part indexes. File names are unique (they
 * carry the WAL sequence number and a rewrite gets a new one), so equal ids mean equal rows, and
 * compaction, which rewrites files, changes the id.
 */
export function sealedDataId(parts: readonly SealedPartRef[]): string {
  let id = '';
  for (const ref of parts) id += `${id === '' ? '' : '|'}${ref.path}:${ref.bytes}:${ref.part}`;
  return id;
}
