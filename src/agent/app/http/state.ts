import { SequenceCursor } from '../tcp-sequence.js';

/** Where a direction's parser is. Line modes read up to a line feed; skip modes count bytes off. */
export const Mode = {
  /** Expecting a request or status line (empty lines before it are skipped). */
  start: 0,
  headers: 1,
  chunkSize: 2,
  /** The CRLF after a chunk's data. */
  chunkEnd: 3,
  trailers: 4,
  /** Skipping `remaining` bytes of a body. */
  body: 5,
  chunkData: 6,
  /** A response body delimited by the connection's close: nothing more to read. */
  untilClose: 7,
  /** Lost the message framing: waiting for a segment that starts a message. */
  resync: 8,
  /** Not HTTP/1.x any more (after 101 Switching Protocols, a CONNECT tunnel, HTTP/2). */
  stopped: 9,
} as const;

/** Bits of `HttpSide.found`: the reported request's headers seen so far. */
export const Found = { host: 1, userAgent: 2, referer: 4 } as const;

/** One direction's parse state. */
export class HttpSide {
  readonly cursor = new SequenceCursor();
  mode: number = Mode.start;
  /** Body or chunk bytes left to skip. */
  remaining = 0;
  /** A line carried over from earlier segments (allocated on first need, grown up to maxLine). */
  line: Uint8Array | undefined = undefined;
  lineLength = 0;
  /** The carried line outgrew `maxLine`: it is skipped to its end. */
  lineTooLong = false;
  /** The current message's framing: Content-Length (-1: none), chunked, a bad length seen. */
  contentLength = -1;
  chunked = false;
  badLength = false;
  /** The current message is the one the record carries (its fields are emitted). */
  reporting = false;
  found = 0;
  /** Status of the response being read; request flags of the request being read. */
  status = 0;
  head = false;
  connect = false;
}

/** Per-flow state: both directions and the requests waiting for their responses. */
export class HttpState {
  readonly client = new HttpSide();
  readonly server = new HttpSide();
  /** Requests sent and not yet answered (at most 30), oldest in bit 0 of the masks. */
  pending = 0;
  headMask = 0;
  connectMask = 0;
  reportedMask = 0;
  /** No request has been reported since the record was last exported. */
  reportNext = true;
  /** A response whose request was not seen has given the record its status. */
  orphanReported = false;
}

export const MAX_PENDING = 30;
