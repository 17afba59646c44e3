import { BodyCursor, type Frame, ProtocolError } from './frame-reader.js';

/** Protocol codes of the startup-phase messages (the first int32 after the length). */
export const PROTOCOL_3 = 3 << 16;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

export type StartupMessage =
  | { kind: 'startup'; minor: number; params: Map<string, string> }
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; pid: number; secret: number };

export function decodeStartup(frame: Frame): StartupMessage {
  const c = new BodyCursor(frame.body);
  const code = c.int32();
  if (code === SSL_REQUEST) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST) return { kind: 'cancel', pid: c.int32(), secret: c.int32() };
  const major = code >>> 16;
  if (major !== 3)
    throw new ProtocolError(
      `unsupported frontend protocol ${major}.${code & 0xffff}: server supports 3.0`,
      true,
    );
  const params = new Map<string, string>();
  for (;;) {
    const name = c.cstr();
    if (name === '') break;
    params.set(name, c.cstr());
  }
  return { kind: 'startup', minor: code & 0xffff, params };
}

/** Format codes: 0 text, 1 binary. */
export type FormatCode = 0 | 1;

export type FrontendMessage =
  | { kind: 'query'; sql: string }
  | { kind: 'parse'; name: string; sql: string; paramTypes: number[] }
  | {
      kind: 'bind';
      portal: string;
      statement: string;
      paramFormats: FormatCode[];
      params: (Buffer | null)[];
      resultFormats: FormatCode[];
    }
  | { kind: 'describe'; target: 'S' | 'P'; name: string }
  | { kind: 'execute'; portal: string; maxRows: number }
  | { kind: 'close'; target: 'S' | 'P'; name: string }
  | { kind: 'sync' }
  | { kind: 'flush' }
  | { kind: 'terminate' }
  | { kind: 'password'; data: Buffer }
  | { kind: 'copy'; type: string };

/** Decodes one regular-phase message, copying what it keeps. */
export function decodeMessage(frame: Frame): FrontendMessage {
  const c = new BodyCursor(frame.body);
  const type = String.fromCharCode(frame.type);
  switch (type) {
    case 'Q':
      return { kind: 'query', sql: c.cstr() };
    case 'P': {
      const name = c.cstr();
      const sql = c.cstr();
      const n = c.int16();
      const paramTypes: number[] = [];
      for (let i = 0; i < n; i++) paramTypes.push(c.int32() >>> 0);
      return { kind: 'parse', name, sql, paramTypes };
    }
    case 'B':
      return decodeBind(c);
    case 'D':
    case 'C': {
      const target = String.fromCharCode(c.byte());
      if (target !== 'S' && target !== 'P')
        throw new ProtocolError(`invalid ${type === 'D' ? 'DESCRIBE' : 'CLOSE'} message subtype ${target}`);
      return { kind: type === 'D' ? 'describe' : 'close', target, name: c.cstr() };
    }
    case 'E':
      return { kind: 'execute', portal: c.cstr(), maxRows: c.int32() };
    case 'S':
      return { kind: 'sync' };
    case 'H':
      return { kind: 'flush' };
    case 'X':
      return { kind: 'terminate' };
    case 'p':
      return { kind: 'password', data: c.rest() };
    case 'd':
    case 'c':
    case 'f':
      return { kind: 'copy', type };
    default:
      throw new ProtocolError(`invalid frontend message type ${frame.type}`, true);
  }
}

function decodeBind(c: BodyCursor): FrontendMessage {
  const portal = c.cstr();
  const statement = c.cstr();
  const paramFormats = formats(c);
  const n = c.int16();
  const params: (Buffer | null)[] = [];
  for (let i = 0; i < n; i++) {
    const len = c.int32();
    params.push(len === -1 ? null : c.bytes(len));
  }
  const resultFormats = formats(c);
  return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
}

function formats(c: BodyCursor): FormatCode[] {
  const n = c.int16();
  if (n < 0) throw new ProtocolError(`negative format count ${n}`);
  const list: FormatCode[] = [];
  for (let i = 0; i < n; i++) {
    const f = c.int16();
    if (f !== 0 && f !== 1) throw new ProtocolError(`unsupported format code: ${f}`);
    list.push(f);
  }
  return list;
}

/** The format of column (or parameter) `i` from a Bind's list: none = text, one = all, else each. */
export function formatAt(list: readonly FormatCode[], i: number): FormatCode {
  if (list.length === 0) return 0;
  if (list.length === 1) return list[0]!;
  return list[i] ?? 0;
}
