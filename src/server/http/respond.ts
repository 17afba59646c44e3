import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/users.js';

/** An error answered to an HTTP client: a status, a stable code, what to do, and extra fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** `{"error": {"code", "message", ...extra}}`, the shape of every error response. */
export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } }, err.headers);
}

/** The parsed request as handlers see it. */
export interface HttpRequest {
  readonly raw: IncomingMessage;
  readonly url: URL;
  /** When the request arrived (ms since the epoch). */
  readonly receivedAt: number;
  /** The values of a templated route's `{name}` segments (routes.ts), decoded. */
  readonly params?: Readonly<Record<string, string>> | undefined;
  /** Who sent it: set on every route that requires authentication (routes.ts). */
  readonly principal?: Principal | undefined;
}

export type Handler = (req: HttpRequest, res: ServerResponse) => Promise<void> | void;
