import type { ServerResponse } from 'node:http';
import type { QueryEngine, QueryResult } from '../../query/api.js';
import { asQueryError, QueryError, SqlState } from '../../query/errors.js';
import { resultFormat } from './accept.js';
import { readBody } from './body.js';
import { queryHttpError } from './query-errors.js';
import { parseQueryRequest } from './query-request.js';
import type { Handler } from './respond.js';
import { csvResultChunks } from './result-csv.js';
import { jsonResultChunks } from './result-json.js';
import { principalOf } from './tenant.js';

export interface QueryContext {
  readonly engine: QueryEngine;
  /** Largest request body (the SQL text and its parameters). */
  readonly maxBodyBytes: number;
  readonly stats: QueryStats;
  /** Internal errors (XX000) are answered and also logged here. */
  readonly log: (line: string) => void;
  /** Admin users also read the metrics table (Users.isAdmin); nobody is an admin when absent. */
  readonly isAdmin?: ((user: string) => boolean) | undefined;
}

export interface QueryStats {
  requests: number;
  /** Answered with rows. */
  ok: number;
  /** Clients that went away before the answer: their queries were cancelled. */
  abandoned: number;
  /** Errors per SQLSTATE (or the API's own code: bad_request, body_too_large, …). */
  errors: Record<string, number>;
}

export function newQueryStats(): QueryStats {
  return { requests: 0, ok: 0, abandoned: 0, errors: {} };
}

/**
 * POST /api/v1/query: `{"sql", "params"?}` in, the result as JSON or CSV out (docs/rest.md), run
 * as the authenticated user on their tenant. One statement per request. When the client goes away
 * before the answer, the query is aborted (the engine ends it with 57014) and nothing is sent.
 */
export function queryHandler(ctx: QueryContext): Handler {
  return async (req, res) => {
    ctx.stats.requests++;
    const aborted = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    try {
      const principal = principalOf(req);
      const format = resultFormat(req.raw.headers.accept, req.url.searchParams.get('format'));
      const body = parseQueryRequest(await readBody(req.raw, ctx.maxBodyBytes));
      const admin = ctx.isAdmin?.(principal.user) === true;
      const result = await run(ctx.engine, body.sql, body.params, { ...principal, admin }, aborted.signal);
      if (aborted.signal.aborted) {
        ctx.stats.abandoned++;
        return;
      }
      await send(res, format, result);
      ctx.stats.ok++;
    } catch (err) {
      if (aborted.signal.aborted) {
        ctx.stats.abandoned++;
        res.destroy();
        return;
      }
      const code = (err as { code?: unknown }).code;
      const key = typeof code === 'string' ? code : 'internal';
      ctx.stats.errors[key] = (ctx.stats.errors[key] ?? 0) + 1;
      if (err instanceof QueryError) {
        if (err.code === SqlState.internalError) ctx.log(`query: ${err.message}`);
        throw queryHttpError(err);
      }
      throw err;
    }
  };
}

/**
 * One statement, as sent: the engine refuses several (42601, as PostgreSQL refuses them in one
 * extended-protocol Parse), and error positions count from the start of the user's text.
 */
async function run(
  engine: QueryEngine,
  sql: string,
  params: readonly (string | null)[],
  principal: { user: string; tenant: string; admin: boolean },
  signal: AbortSignal,
): Promise<QueryResult> {
  try {
    const session = {
      user: principal.user,
      tenant: principal.tenant,
      admin: principal.admin,
      settings: new Map<string, string>(),
    };
    return await engine.run(session, sql, { signal, params });
  } catch (err) {
    throw asQueryError(err);
  }
}

async function send(res: ServerResponse, format: 'json' | 'csv', result: QueryResult): Promise<void> {
  res.writeHead(200, {
    'content-type':
      format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
  });
  const chunks = format === 'csv' ? csvResultChunks(result) : jsonResultChunks(result);
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
  }
  res.end();
}
