import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../../contract.js';
import { ByteFinder } from '../byte-finder.js';
import { defaultHttpDecoderConfig, type HttpDecoderConfig } from './config.js';
import { type HttpCounts, type HttpErrorReason, type HttpRun, newHttpErrors } from './errors.js';
import { mayStartRequest, mayStartStatus, startsWithMethod } from './methods.js';
import { HttpState, Mode } from './state.js';
import { feed, lose } from './stream.js';

/**
 * HTTP/1.x over TCP: from the client the request line and the Host, User-Agent and Referer
 * headers, from the server the status line, both read in place from the capture buffer. Each
 * direction is followed through bodies (Content-Length, chunked) so that every message of a
 * keep-alive flow is found; requests and responses are paired in order (pipelining included).
 *
 * Which request a record carries: the first request whose request line is seen after the
 * previous export (`exported`), with the status of its response once seen; later requests of
 * the interval are counted in `counts.unreported_requests`.
 */
export class HttpDecoder implements AppDecoder<HttpState>, HttpRun {
  readonly protocol = 'http';
  readonly errors: Record<HttpErrorReason, number> = newHttpErrors();
  readonly counts: HttpCounts = { requests: 0, responses: 0, unreported_requests: 0 };
  readonly scratch: Uint8Array;
  readonly redactHost: boolean;
  readonly redactUserAgent: boolean;
  readonly redactReferer: boolean;
  readonly finder = new ByteFinder();
  out: AppFieldSink = undefined as unknown as AppFieldSink;
  private readonly ports = new Uint8Array(65536);

  constructor(readonly config: HttpDecoderConfig = defaultHttpDecoderConfig) {
    this.scratch = new Uint8Array(config.maxLine);
    const redact = new Set(config.redactHeaders.map((h) => h.toLowerCase()));
    this.redactHost = redact.has('host');
    this.redactUserAgent = redact.has('user-agent');
    this.redactReferer = redact.has('referer');
    for (const p of config.ports) this.ports[p] = 1;
  }

  matchesPorts(clientPort: number, serverPort: number, transport: 'tcp' | 'udp'): boolean {
    return transport === 'tcp' && (this.ports[serverPort] === 1 || this.ports[clientPort] === 1);
  }

  /** Content detection for other ports: the client's first payload starts with a known method and a space. */
  matchesContent(p: AppPayload): boolean {
    return p.transport === 'tcp' && p.dir === Dir.FromClient && startsWithMethod(p.buf, p.start, p.end);
  }

  newState(): HttpState {
    return new HttpState();
  }

  /** The flow's record was exported: the next request seen is the one the next record carries. */
  exported(state: HttpState): void {
    state.reportNext = true;
    state.orphanReported = false;
    state.reportedMask = 0;
  }

  /**
   * Returns false once neither direction can be read any more (after 101 Switching Protocols, a
   * CONNECT tunnel, HTTP/2, a body that runs to the close): the flow table stops offering its
   * payloads until the next record (where this answers false again at once).
   */
  payload(state: HttpState, p: AppPayload, out: AppFieldSink): boolean {
    this.decode(state, p, out);
    return !(finished(state.client.mode) && finished(state.server.mode));
  }

  private decode(state: HttpState, p: AppPayload, out: AppFieldSink): void {
    if (p.transport !== 'tcp') return;
    const client = p.dir === Dir.FromClient;
    const side = client ? state.client : state.server;
    if (side.mode === Mode.stopped || side.mode === Mode.untilClose) return;
    const first = !side.cursor.started;
    const skip = side.cursor.accept(p.seq, p.wireLength);
    if (skip < 0) return;
    this.out = out;
    const captured = Math.min(p.end - p.start, p.wireLength);
    if (first && !(client ? mayStartRequest : mayStartStatus)(p.buf, p.start, p.start + captured)) {
      this.errors.not_message_start++;
      side.mode = Mode.resync;
    }
    if (side.cursor.gap > 0) lose(this, side, side.cursor.gap);
    if (skip < captured) feed(this, state, side, client, p.buf, p.start + skip, p.start + captured);
    const missing = p.wireLength - Math.max(skip, captured);
    if (missing > 0) lose(this, side, missing);
    // Inside a body the next `remaining` bytes are only counted: they need not be handed over (a
    // gap inside a body is counted off it the same way).
    if ((side.mode === Mode.body || side.mode === Mode.chunkData) && side.remaining < MAX_SKIP) {
      p.skipping = true;
      p.skipUntil = (side.cursor.next + side.remaining) >>> 0;
    }
  }
}

/** Bodies longer than this are handed over segment by segment (sequence numbers wrap at 2^32). */
const MAX_SKIP = 2 ** 30;

function finished(mode: number): boolean {
  return mode === Mode.stopped || mode === Mode.untilClose;
}

export function createHttpDecoder(config?: HttpDecoderConfig): HttpDecoder {
  return new HttpDecoder(config);
}
