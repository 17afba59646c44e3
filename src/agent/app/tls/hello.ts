import { latin1 } from '../latin1.js';
import type { TlsErrorReason } from './errors.js';
import type { TlsState } from './state.js';

const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_VERSIONS = 43;
const HOST_NAME = 0;
const MAX_NAME = 255;

function u16(buf: Uint8Array, o: number): number {
  return (buf[o]! << 8) | buf[o + 1]!;
}

/**
 * Skips the fields a ClientHello and a ServerHello share up to the session id (version, random,
 * session id) and returns the offset after them, or -1 when they run past `end`.
 */
function afterSessionId(buf: Uint8Array, s: number, end: number): number {
  const p = s + 34;
  if (p + 1 > end) return -1;
  const next = p + 1 + buf[p]!;
  return next > end ? -1 : next;
}

/**
 * The extensions block at `p` (absent when the hello ends at `p`): returns its end, or -1 when it
 * runs past `end`, or `p` when there is none.
 */
function extensionsEnd(buf: Uint8Array, p: number, end: number): number {
  if (p === end) return p;
  if (p + 2 > end) return -1;
  const extEnd = p + 2 + u16(buf, p);
  return extEnd > end ? -1 : extEnd;
}

/** The ClientHello body `buf[s..end)`: the server_name extension's host name. */
export function readClientHello(
  buf: Uint8Array,
  s: number,
  end: number,
  st: TlsState,
): TlsErrorReason | undefined {
  let p = afterSessionId(buf, s, end);
  if (p < 0 || p + 2 > end) return 'bad_client_hello';
  p += 2 + u16(buf, p); // cipher suites
  if (p + 1 > end) return 'bad_client_hello';
  p += 1 + buf[p]!; // compression methods
  if (p > end) return 'bad_client_hello';
  const extEnd = extensionsEnd(buf, p, end);
  if (extEnd < 0) return 'bad_client_hello';
  for (p += 2; p + 4 <= extEnd; ) {
    const type = u16(buf, p);
    const length = u16(buf, p + 2);
    p += 4;
    if (p + length > extEnd) return 'bad_client_hello';
    if (type === EXT_SERVER_NAME) return readServerName(buf, p, p + length, st);
    p += length;
  }
  return undefined;
}

/** server_name's ServerNameList: the first host_name. */
function readServerName(buf: Uint8Array, p: number, end: number, st: TlsState): TlsErrorReason | undefined {
  if (p + 2 > end || p + 2 + u16(buf, p) > end) return 'bad_client_hello';
  end = p + 2 + u16(buf, p);
  for (p += 2; p + 3 <= end; ) {
    const type = buf[p]!;
    const length = u16(buf, p + 1);
    p += 3;
    if (p + length > end) return 'bad_client_hello';
    if (type === HOST_NAME) {
      if (length === 0 || length > MAX_NAME) return 'bad_server_name';
      for (let i = p; i < p + length; i++) if (buf[i]! <= 0x20 || buf[i]! >= 0x7f) return 'bad_server_name';
      st.serverName = latin1(buf, p, p + length);
      return undefined;
    }
    p += length;
  }
  return undefined;
}

/**
 * The ServerHello body `buf[s..end)`: the cipher suite, and the version (supported_versions'
 * selected version when the extension is there, as in TLS 1.3, else the legacy version field).
 */
export function readServerHello(
  buf: Uint8Array,
  s: number,
  end: number,
  st: TlsState,
): TlsErrorReason | undefined {
  let p = afterSessionId(buf, s, end);
  if (p < 0 || p + 3 > end || buf[s] !== 3) return 'bad_server_hello';
  let version = u16(buf, s);
  const cipher = u16(buf, p);
  p += 3; // cipher suite, compression method
  const extEnd = extensionsEnd(buf, p, end);
  if (extEnd < 0) return 'bad_server_hello';
  for (p += 2; p + 4 <= extEnd; ) {
    const type = u16(buf, p);
    const length = u16(buf, p + 2);
    p += 4;
    if (p + length > extEnd) return 'bad_server_hello';
    if (type === EXT_SUPPORTED_VERSIONS) {
      if (length !== 2) return 'bad_server_hello';
      version = u16(buf, p);
    }
    p += length;
  }
  st.version = version;
  st.cipher = cipher;
  return undefined;
}
