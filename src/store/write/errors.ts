/**
 * Errors of the store's write path, with stable codes that reach users (ingest responses,
 * logs, metrics labels).
 */
export type StoreErrorCode = 'store_disk_full' | 'store_write_failed' | 'store_stopped';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** ENOSPC (no space) and EDQUOT (quota exceeded) are both "disk full" to an operator. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'store_disk_full';
}

/** Maps an I/O error to a StoreError with a stable code and a hint on what to do. */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  if (isDiskFull(err)) {
    return new StoreError(
      'store_disk_full',
      `${what}: the data disk is full (${detail}); free space or grow the volume, ingest resumes by itself`,
      { cause: err },
    );
  }
  return new StoreError('store_write_failed', `${what}: ${detail}`, { cause: err });
}
