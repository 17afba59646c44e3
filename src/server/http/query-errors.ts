import type { QueryError } from '../../query/errors.js';
import { wwwAuthenticate } from './auth.js';
import { HttpError } from './respond.js';

/**
 * The HTTP status of a query's SQLSTATE (docs/rest.md):
 *   400  the query is wrong: syntax, names and privileges (class 42), data (22), unsupported (0A),
 *        too large or complex (54), protocol (08), prepared statements and cursors (26, 34),
 *        transaction or object state (25, 55), catalog and schema names (3D, 3F), and the rest of
 *        the classes a client causes (21, 23, 44)
 *   429  a per-tenant limit (53400): Retry-After says when
 *   503  too many connections (53300), server shutting down (57P01): Retry-After 1
 *   504  the query was cancelled at its time limit (57014): the server's deadline passed; retrying
 *        the same query will likely time out again
 *   500  I/O errors (58), corrupt data (XX001), internal errors (XX000)
 */
const clientClasses = new Set([
  '0A',
  '08',
  '21',
  '22',
  '23',
  '25',
  '26',
  '34',
  '3D',
  '3F',
  '42',
  '44',
  '54',
  '55',
]);

export function queryHttpStatus(code: string): number {
  if (code === '53400') return 429;
  if (code === '53300' || code === '57P01') return 503;
  if (code === '57014') return 504;
  const cls = code.slice(0, 2);
  if (clientClasses.has(cls)) return 400;
  if (cls === '28') return 401;
  return 500;
}

/** `{"error": {"code": SQLSTATE, "message", "position"?, "detail"?, "hint"?}}` with its status. */
export function queryHttpError(err: QueryError): HttpError {
  const status = queryHttpStatus(err.code);
  const extra: Record<string, unknown> = {};
  if (err.position !== undefined) extra.position = err.position;
  if (err.detail !== undefined) extra.detail = err.detail;
  if (err.hint !== undefined) extra.hint = err.hint;
  const headers: Record<string, string> = {};
  if (status === 429)
    headers['retry-after'] = String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000)));
  if (status === 503) headers['retry-after'] = '1';
  if (status === 401) headers['www-authenticate'] = wwwAuthenticate;
  return new HttpError(status, err.code, err.message, extra, headers);
}
