import { setText } from '../latin1.js';
import { fail, type HttpRun } from './errors.js';
import { setRedacted } from './redact.js';
import { isDigit } from './start-line.js';
import { Found, type HttpSide, type HttpState, Mode } from './state.js';
import { equalsLower, isSpace, lowerBytes } from './text.js';

const COLON = 0x3a;
const HOST = lowerBytes('host');
const REFERER = lowerBytes('referer');
const USER_AGENT = lowerBytes('user-agent');
const CONTENT_LENGTH = lowerBytes('content-length');
const TRANSFER_ENCODING = lowerBytes('transfer-encoding');
const CHUNKED = lowerBytes('chunked');

/** A header line: framing headers of every message, the reported request's fields. */
export function headerLine(
  run: HttpRun,
  side: HttpSide,
  client: boolean,
  buf: Uint8Array,
  s: number,
  e: number,
): void {
  if (isSpace(buf[s]!)) return; // obsolete line folding: a continuation of a header not read
  const colon = run.finder.find(buf, s, e, COLON);
  if (colon === e) return;
  let vs = colon + 1;
  while (vs < e && isSpace(buf[vs]!)) vs++;
  let ve = e;
  while (ve > vs && isSpace(buf[ve - 1]!)) ve--;
  if (equalsLower(buf, s, colon, CONTENT_LENGTH)) contentLength(side, buf, vs, ve);
  else if (equalsLower(buf, s, colon, TRANSFER_ENCODING)) side.chunked = endsWithChunked(buf, vs, ve);
  else if (!client || !side.reporting) return;
  else if (equalsLower(buf, s, colon, HOST)) {
    if ((side.found & Found.host) === 0)
      if (run.redactHost) run.out.setString('http_host', '*');
      else setText(run.out, 'http_host', buf, vs, ve);
    side.found |= Found.host;
  } else if (equalsLower(buf, s, colon, USER_AGENT)) {
    if ((side.found & Found.userAgent) === 0)
      if (run.redactUserAgent) run.out.setString('http_ua', '*');
      else setText(run.out, 'http_ua', buf, vs, ve);
    side.found |= Found.userAgent;
  } else if (equalsLower(buf, s, colon, REFERER)) {
    if ((side.found & Found.referer) === 0)
      if (run.redactReferer) run.out.setString('http_referer', '*');
      else if (run.config.keepQueryValues) setText(run.out, 'http_referer', buf, vs, ve);
      else setRedacted(run.out, 'http_referer', buf, vs, ve, run.scratch);
    side.found |= Found.referer;
  }
}

function contentLength(side: HttpSide, buf: Uint8Array, s: number, e: number): void {
  let n = 0;
  if (e === s || e - s > 15) side.badLength = true;
  for (let i = s; i < e; i++) {
    const b = buf[i]!;
    if (!isDigit(b)) {
      side.badLength = true;
      return;
    }
    n = n * 10 + (b - 0x30);
  }
  if (side.contentLength >= 0 && side.contentLength !== n) side.badLength = true;
  side.contentLength = n;
}

/** Whether the last transfer coding of `buf[s..e)` is chunked. */
function endsWithChunked(buf: Uint8Array, s: number, e: number): boolean {
  const from = e - CHUNKED.length;
  if (from < s || !equalsLower(buf, from, e, CHUNKED)) return false;
  return from === s || buf[from - 1] === 0x2c || isSpace(buf[from - 1]!);
}

/** The empty line after the headers: emit what the request lacked, then follow the body. */
export function endOfHeaders(run: HttpRun, st: HttpState, side: HttpSide, client: boolean): void {
  if (side.reporting) {
    const out = run.out;
    if ((side.found & Found.host) === 0) out.setString('http_host', '');
    if ((side.found & Found.userAgent) === 0) out.setString('http_ua', '');
    if ((side.found & Found.referer) === 0) out.setString('http_referer', '');
    side.reporting = false;
  }
  const status = side.status;
  if (!client && status < 200 && status !== 101) {
    side.mode = Mode.start;
    return;
  }
  if (!client && (status === 101 || (side.connect && status < 300))) {
    // Switching protocols, or a CONNECT tunnel: what follows is not HTTP/1.x.
    st.client.mode = Mode.stopped;
    side.mode = Mode.stopped;
    return;
  }
  if (side.badLength && !side.chunked) {
    fail(run, side, 'bad_content_length');
    return;
  }
  if (client && side.connect) {
    // Tunnel bytes may follow before the answer: look for a request only at a segment's start.
    side.mode = Mode.resync;
    return;
  }
  if (!client && (side.head || status === 204 || status === 304)) side.mode = Mode.start;
  else if (side.chunked) side.mode = Mode.chunkSize;
  else if (side.contentLength > 0) {
    side.remaining = side.contentLength;
    side.mode = Mode.body;
  } else if (side.contentLength === 0 || client) side.mode = Mode.start;
  else side.mode = Mode.untilClose;
}

/** A chunk-size line. */
export function chunkSize(run: HttpRun, side: HttpSide, buf: Uint8Array, s: number, e: number): void {
  let n = 0;
  let i = s;
  for (; i < e && i - s < 13; i++) {
    const b = buf[i]!;
    const v = isDigit(b) ? b - 0x30 : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 ? (b | 0x20) - 0x57 : -1;
    if (v < 0) break;
    n = n * 16 + v;
  }
  // Digits, then nothing, chunk extensions (`;`) or whitespace before them.
  if (i === s || (i < e && buf[i] !== 0x3b && !isSpace(buf[i]!))) {
    fail(run, side, 'bad_chunk');
    return;
  }
  if (n === 0) side.mode = Mode.trailers;
  else {
    side.remaining = n;
    side.mode = Mode.chunkData;
  }
}
