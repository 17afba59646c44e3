/**
 * Request methods: the ones HTTP and WebDAV define are returned as shared strings (no copy per
 * request) and are what a segment must start with to be taken for a request when the decoder
 * looks for one (content detection, resynchronisation). Other token methods still parse.
 */
const knownMethods = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'REPORT',
  'MKCALENDAR',
  'PRI', // the HTTP/2 connection preface, so that it is recognised (and counted as not_http1)
];
const knownBytes = knownMethods.map((m) => Uint8Array.from(m, (c) => c.charCodeAt(0)));

export const METHOD_HEAD = 4;
export const METHOD_CONNECT = 7;

/** The index in the known methods of `buf[start..end)`, or -1. */
export function knownMethod(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let i = 0; i < knownBytes.length; i++) {
    const m = knownBytes[i]!;
    if (m.length !== length) continue;
    let j = 0;
    while (j < length && buf[start + j] === m[j]) j++;
    if (j === length) return i;
  }
  return -1;
}

export function knownMethodName(index: number): string {
  return knownMethods[index]!;
}

/** Whether `buf[start..end)` begins with a known method and a space: a request line's start. */
export function startsWithMethod(buf: Uint8Array, start: number, end: number): boolean {
  let sp = start;
  const limit = Math.min(end, start + 11);
  while (sp < limit && buf[sp] !== 0x20) sp++;
  return sp < limit && knownMethod(buf, start, sp) >= 0;
}

/** Whether `buf[start..end)` begins like a status line (`HTTP/1.`). */
export function startsWithStatus(buf: Uint8Array, start: number, end: number): boolean {
  return (
    end - start >= 7 &&
    buf[start] === 0x48 &&
    buf[start + 1] === 0x54 &&
    buf[start + 2] === 0x54 &&
    buf[start + 3] === 0x50 &&
    buf[start + 4] === 0x2f &&
    buf[start + 5] === 0x31 &&
    buf[start + 6] === 0x2e
  );
}

const tokenChars = new Uint8Array(128);
for (let b = 0x21; b < 0x7f; b++) tokenChars[b] = 1;
for (const c of '"(),/:;<=>?@[\\]{}') tokenChars[c.charCodeAt(0)] = 0;

/** tchar of RFC 9110: what a method token may hold. */
export function isTokenChar(b: number): boolean {
  return b < 128 && tokenChars[b] === 1;
}

const STATUS_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];

/** Whether `buf[start..end)` starts a request, or is too short to tell and could (`GE`). */
export function mayStartRequest(buf: Uint8Array, start: number, end: number): boolean {
  if (startsWithMethod(buf, start, end)) return true;
  if (end - start >= 11) return false;
  for (let i = start; i < end; i++) if (buf[i]! < 0x41 || buf[i]! > 0x5a) return i > start && buf[i] === 0x20;
  return true;
}

/** Whether `buf[start..end)` starts a status line, or is a prefix of `HTTP/1.`. */
export function mayStartStatus(buf: Uint8Array, start: number, end: number): boolean {
  const n = Math.min(end - start, STATUS_PREFIX.length);
  for (let i = 0; i < n; i++) if (buf[start + i] !== STATUS_PREFIX[i]) return false;
  return true;
}
