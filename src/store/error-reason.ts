import { isCorruption } from './catalog/quarantine.js';

/** The `reason` tag of the store's error counters: a small fixed set, whatever the error. */
export type StoreErrorReason =
  | 'disk_full'
  | 'io'
  | 'permission'
  | 'read_only'
  | 'not_found'
  | 'too_many_files'
  | 'corrupt'
  | 'fail_point'
  | 'stopped'
  | 'other';

const byCode: Readonly<Record<string, StoreErrorReason>> = {
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  store_disk_full: 'disk_full',
  EIO: 'io',
  EACCES: 'permission',
  EPERM: 'permission',
  EROFS: 'read_only',
  ENOENT: 'not_found',
  EMFILE: 'too_many_files',
  ENFILE: 'too_many_files',
  corrupt_segment: 'corrupt',
  fail_point_panic: 'fail_point',
  store_stopped: 'stopped',
};

/**
 * Why an operation failed, as a bounded tag value: the errno (or our code) of the error or of its
 * cause (a StoreError wraps the I/O error), else corruption, else `other`.
 */
export function errorReason(err: unknown): StoreErrorReason {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(byCode, code)) return byCode[code]!;
    if (isCorruption(e)) return 'corrupt';
    e = (e as { cause?: unknown }).cause;
  }
  return 'other';
}
