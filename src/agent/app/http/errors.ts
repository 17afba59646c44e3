import type { AppFieldSink } from '../../contract.js';
import type { ByteFinder } from '../byte-finder.js';
import type { HttpDecoderConfig } from './config.js';
import { type HttpSide, Mode } from './state.js';

/** Why the decoder gave up on (part of) a message: stable names, counted in `errors`. */
export const httpErrorReasons = [
  'not_message_start', // a direction's first bytes seen are not a request or status line (capture began mid-flow, or not HTTP)
  'bad_request_line', // not `METHOD target HTTP/1.x`
  'bad_status_line', // not `HTTP/1.x NNN reason`
  'not_http1', // HTTP/2 with prior knowledge (`PRI * HTTP/2.0`): the flow is not followed further
  'line_too_long', // a start, header or chunk-size line longer than maxLine
  'bad_content_length', // a Content-Length that is not a number, or two that differ
  'bad_chunk', // a chunk-size line that is not hex, or chunk data not followed by CRLF
  'gap', // bytes missing (loss, reordering, snap length) where a start line or headers were
  'too_many_pipelined', // more than 30 requests waiting for their responses
] as const;

export type HttpErrorReason = (typeof httpErrorReasons)[number];

export function newHttpErrors(): Record<HttpErrorReason, number> {
  return Object.fromEntries(httpErrorReasons.map((r) => [r, 0])) as Record<HttpErrorReason, number>;
}

/** Messages seen, not errors: how many requests the exported records did not carry. */
export interface HttpCounts {
  requests: number;
  responses: number;
  /** Requests after the first of an export interval on a keep-alive flow (the record carries the first). */
  unreported_requests: number;
}

/** What the parsing functions share with the decoder (the decoder itself). */
export interface HttpRun {
  readonly config: HttpDecoderConfig;
  readonly errors: Record<HttpErrorReason, number>;
  readonly counts: HttpCounts;
  /** Redacted URLs are written here (maxLine bytes). */
  readonly scratch: Uint8Array;
  readonly redactHost: boolean;
  readonly redactUserAgent: boolean;
  readonly redactReferer: boolean;
  /** Finds line ends and header colons. */
  readonly finder: ByteFinder;
  /** The sink of the payload being decoded. */
  out: AppFieldSink;
}

/** Gives up on the direction's current message: counted, then wait for the next message start. */
export function fail(run: HttpRun, side: HttpSide, reason: HttpErrorReason): void {
  run.errors[reason]++;
  side.mode = Mode.resync;
  side.reporting = false;
}
