import { setText } from '../latin1.js';
import { fail, type HttpRun } from './errors.js';
import { isTokenChar, knownMethod, knownMethodName, METHOD_CONNECT, METHOD_HEAD } from './methods.js';
import { setRedacted } from './redact.js';
import { type HttpSide, type HttpState, MAX_PENDING, Mode } from './state.js';

const SP = 0x20;

function beginMessage(side: HttpSide): void {
  side.mode = Mode.headers;
  side.contentLength = -1;
  side.chunked = false;
  side.badLength = false;
  side.found = 0;
}

/** A request line: the request is queued for its response and, if the record carries it, emitted. */
export function requestLine(
  run: HttpRun,
  st: HttpState,
  side: HttpSide,
  buf: Uint8Array,
  s: number,
  e: number,
): void {
  let sp = s;
  while (sp < e && isTokenChar(buf[sp]!)) sp++;
  let last = e - 1;
  while (last > sp && buf[last] !== SP) last--;
  const major = e - last === 9 ? versionMajor(buf, last + 1) : -1;
  if (major === 2) {
    run.errors.not_http1++;
    st.client.mode = Mode.stopped;
    st.server.mode = Mode.stopped;
    return;
  }
  if (sp === s || buf[sp] !== SP || last <= sp + 1 || major !== 1) {
    fail(run, side, 'bad_request_line');
    return;
  }
  const method = knownMethod(buf, s, sp);
  beginMessage(side);
  side.head = method === METHOD_HEAD;
  side.connect = method === METHOD_CONNECT;
  run.counts.requests++;
  const report = st.reportNext;
  if (st.pending < MAX_PENDING) {
    const bit = 1 << st.pending;
    if (side.head) st.headMask |= bit;
    if (side.connect) st.connectMask |= bit;
    if (report) st.reportedMask |= bit;
    st.pending++;
  } else {
    run.errors.too_many_pipelined++;
  }
  side.reporting = report;
  if (!report) {
    run.counts.unreported_requests++;
    return;
  }
  st.reportNext = false;
  const out = run.out;
  out.setString('app_protocol', 'http');
  if (method >= 0) out.setString('http_method', knownMethodName(method));
  else setText(out, 'http_method', buf, s, sp);
  if (run.config.keepQueryValues) setText(out, 'http_url', buf, sp + 1, last);
  else setRedacted(out, 'http_url', buf, sp + 1, last, run.scratch);
  out.setNumber('http_status', 0);
}

/** The major version of `HTTP/<digit>.<digit>` at `buf[o..o+8)`, or -1. */
function versionMajor(buf: Uint8Array, o: number): number {
  if (!startsWithHttp(buf, o) || !isDigit(buf[o + 5]!) || buf[o + 6] !== 0x2e || !isDigit(buf[o + 7]!))
    return -1;
  return buf[o + 5]! - 0x30;
}

function startsWithHttp(buf: Uint8Array, o: number): boolean {
  return (
    buf[o] === 0x48 &&
    buf[o + 1] === 0x54 &&
    buf[o + 2] === 0x54 &&
    buf[o + 3] === 0x50 &&
    buf[o + 4] === 0x2f
  );
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** A status line: a final response is paired with the oldest request waiting. */
export function statusLine(
  run: HttpRun,
  st: HttpState,
  side: HttpSide,
  buf: Uint8Array,
  s: number,
  e: number,
): void {
  if (
    e - s < 12 ||
    versionMajor(buf, s) !== 1 ||
    buf[s + 8] !== SP ||
    !isDigit(buf[s + 9]!) ||
    !isDigit(buf[s + 10]!) ||
    !isDigit(buf[s + 11]!) ||
    (e > s + 12 && buf[s + 12] !== SP)
  ) {
    fail(run, side, 'bad_status_line');
    return;
  }
  const status = (buf[s + 9]! - 0x30) * 100 + (buf[s + 10]! - 0x30) * 10 + (buf[s + 11]! - 0x30);
  beginMessage(side);
  side.status = status;
  side.head = false;
  side.connect = false;
  side.reporting = false;
  if (status < 200 && status !== 101) return; // informational: the final response follows
  run.counts.responses++;
  let report = false;
  if (st.pending > 0) {
    side.head = (st.headMask & 1) !== 0;
    side.connect = (st.connectMask & 1) !== 0;
    report = (st.reportedMask & 1) !== 0;
    st.headMask >>>= 1;
    st.connectMask >>>= 1;
    st.reportedMask >>>= 1;
    st.pending--;
  } else if (st.reportNext && !st.orphanReported) {
    // A response to a request not seen (the capture began after it): the record gets its status.
    st.orphanReported = true;
    report = true;
    run.out.setString('app_protocol', 'http');
  }
  if (report) run.out.setNumber('http_status', status);
}
