import type { QueryResult } from '../query/api.js';
import type { ErrorReport } from './query-error.js';
import { decodeJsonResult } from './query-result.js';

/** The statement failed: the server's error, with its SQLSTATE (or the API's own code). */
export class RemoteQueryError extends Error {
  constructor(
    readonly report: ErrorReport,
    readonly status: number,
  ) {
    super(report.message);
  }
}

/** The server could not be reached, or answered something that is not the query API. */
export class ConnectionError extends Error {}

/** POST /api/v1/query on `url` and the result, decoded (docs/rest.md). */
export async function queryServer(
  url: string,
  authorization: string,
  sql: string,
  params: readonly string[],
): Promise<QueryResult> {
  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(params.length === 0 ? { sql } : { sql, params }),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ConnectionError(
      `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}; is 'flowlens server' running there? (or query a data directory with --data DIR)`,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConnectionError(
      `${url} answered ${res.status} with something that is not JSON: is it flowlens?`,
    );
  }
  if (res.ok) return decodeJsonResult(body);
  const error = (body as { error?: Partial<ErrorReport> }).error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    throw new ConnectionError(`${url} answered ${res.status} without an error description`);
  throw new RemoteQueryError(
    {
      code: error.code,
      message: error.message,
      position: typeof error.position === 'number' ? error.position : undefined,
      detail: typeof error.detail === 'string' ? error.detail : undefined,
      hint: typeof error.hint === 'string' ? error.hint : undefined,
    },
    res.status,
  );
}
