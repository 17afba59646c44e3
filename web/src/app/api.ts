import { clearCredentials, credentials } from './auth.js';

/**
 * The REST client (docs/rest.md): `query(sql)` for POST /api/v1/query and `get/post/put/del` for
 * the other routes. Every failure is an ApiError carrying the API's own words: its HTTP status,
 * code (an SQLSTATE for queries), message and, for SQL, the 1-based position in the statement.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly position?: number,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type Cell = null | boolean | number | string;

export interface QueryField {
  readonly name: string;
  /** PostgreSQL type name: int8, numeric, text, inet, timestamptz, … */
  readonly type: string;
}

export interface QueryResponse {
  readonly fields: readonly QueryField[];
  readonly command: string;
  readonly stats: Readonly<Record<string, unknown>> | null;
  readonly rows: readonly (readonly Cell[])[];
}

export interface RequestOptions {
  readonly signal?: AbortSignal | undefined;
  /** Refuse an answer larger than this many bytes (stops reading it; the server then aborts). */
  readonly maxBytes?: number | undefined;
}

export interface QueryOptions extends RequestOptions {
  /** Values of $1, $2, … */
  readonly params?: readonly Cell[] | undefined;
}

export function query(sql: string, options: QueryOptions = {}): Promise<QueryResponse> {
  const body = options.params === undefined ? { sql } : { sql, params: options.params };
  return request<QueryResponse>('POST', '/api/v1/query', body, options);
}

export const get = <T>(path: string, options?: RequestOptions): Promise<T> =>
  request<T>('GET', path, undefined, options);
export const post = <T>(path: string, body: unknown, options?: RequestOptions): Promise<T> =>
  request<T>('POST', path, body, options);
export const put = <T>(path: string, body: unknown, options?: RequestOptions): Promise<T> =>
  request<T>('PUT', path, body, options);
export const del = <T>(path: string, options?: RequestOptions): Promise<T> =>
  request<T>('DELETE', path, undefined, options);

/** One API call with the session's credentials; `authorization` overrides them (the login check). */
export async function request<T>(
  method: string,
  path: string,
  body: unknown,
  options: RequestOptions = {},
  authorization = credentials()?.header,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: options.signal ?? null,
      // Our own Authorization header only: with browser credentials a 401 would pop up the
      // browser's Basic login dialog (the API answers WWW-Authenticate), which blocks the call.
      credentials: 'omit',
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ApiError(0, 'network', `cannot reach the flowlens server: ${(err as Error).message}`);
  }
  const text = await readText(res, options);
  if (!res.ok) {
    const error = errorOf(res, text);
    if (res.status === 401 && authorization !== undefined && authorization === credentials()?.header)
      clearCredentials(`${error.message} (${error.code})`);
    throw error;
  }
  if (text === '' || res.status === 204) return undefined as T;
  return JSON.parse(text) as T;
}

async function readText(res: Response, options: RequestOptions): Promise<string> {
  const max = options.maxBytes;
  if (max === undefined || res.body === null) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel();
      throw new ApiError(
        res.status,
        'result_too_large',
        `the answer is larger than ${Math.round(max / 1048576)} MiB; add a LIMIT or narrow the query`,
      );
    }
    text += decoder.decode(value, { stream: true });
  }
}

function errorOf(res: Response, text: string): ApiError {
  try {
    const { error } = JSON.parse(text) as {
      error: { code: string; message: string; position?: number; detail?: string; hint?: string };
    };
    return new ApiError(res.status, error.code, error.message, error.position, error.detail, error.hint);
  } catch {
    return new ApiError(res.status, `http_${res.status}`, text.trim() || res.statusText);
  }
}
