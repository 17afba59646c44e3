import { StaleJobError } from '../../store/read/errors.js';
import { CorruptSegmentError } from '../../store/segment/types.js';
import { QueryError, type SqlStateCode } from '../errors.js';

/**
 * Errors cross the worker boundary as plain data (structured clone drops an Error's own fields and
 * class) and are revived on the main thread as the same classes, so the engine can still tell a
 * StaleJobError (plan again), a CorruptSegmentError (with its path) or a kernel's QueryError
 * (22012, 22003 …) from an internal error.
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly code?: string | undefined;
  readonly path?: string | undefined;
  readonly retryable?: boolean | undefined;
  readonly position?: number | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & Record<string, unknown>;
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    code: typeof e.code === 'string' ? e.code : undefined,
    path: typeof e.path === 'string' ? e.path : undefined,
    retryable: typeof e.retryable === 'boolean' ? e.retryable : undefined,
    position: typeof e.position === 'number' ? e.position : undefined,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
    retryAfterMs: typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined,
  };
}

export function reviveError(s: SerializedError): Error {
  let err: Error;
  if (s.name === 'QueryError' && s.code !== undefined) {
    err = new QueryError(s.code as SqlStateCode, s.message, s);
  } else if (s.code === 'stale_job' && s.path !== undefined) {
    err = new StaleJobError(s.path);
  } else if (s.code === 'corrupt_segment' && s.path !== undefined) {
    err = new CorruptSegmentError(s.path, '');
  } else {
    err = new Error(s.message);
    err.name = s.name;
    const fields = err as Error & Record<string, unknown>;
    if (s.code !== undefined) fields.code = s.code;
    if (s.path !== undefined) fields.path = s.path;
    if (s.retryable !== undefined) fields.retryable = s.retryable;
  }
  err.message = s.message;
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}
