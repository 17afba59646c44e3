import { HttpError } from './respond.js';

/** The body of POST /api/v1/query. */
export interface QueryRequest {
  readonly sql: string;
  /** Values of $1, $2, … in PostgreSQL text form; null is SQL NULL. */
  readonly params: readonly (string | null)[];
}

const bad = (message: string) => new HttpError(400, 'bad_request', message);

/**
 * Parses `{"sql": "...", "params": [...]}`. Parameters may be JSON strings, numbers, booleans or
 * null; they are passed to the engine in text form ('42', 'true', '10.0.0.0/8'), which types them
 * where they are used, as PostgreSQL does with untyped Bind values.
 */
export function parseQueryRequest(body: Buffer): QueryRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw bad(`the body is not valid JSON (${(err as Error).message}); send {"sql": "SELECT …"}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('expected a JSON object: {"sql": "SELECT …", "params": [ … ]}');
  const { sql, params, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw bad(`unknown field "${unknown[0]}": the body has "sql" and optional "params"`);
  if (typeof sql !== 'string' || sql.trim() === '') throw bad('"sql" must be a non-empty string');
  if (params === undefined || params === null) return { sql, params: [] };
  if (!Array.isArray(params)) throw bad('"params" must be an array of the values of $1, $2, …');
  return {
    sql,
    params: params.map((p, i) => {
      if (p === null || typeof p === 'string') return p;
      if (typeof p === 'number' && Number.isFinite(p)) return String(p);
      if (typeof p === 'boolean') return p ? 'true' : 'false';
      throw bad(`params[${i}] ($${i + 1}): expected a string, number, boolean or null`);
    }),
  };
}
