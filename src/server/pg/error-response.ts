import { asQueryError } from '../../query/errors.js';
import { ProtocolError } from './frame-reader.js';
import type { WireWriter } from './wire-writer.js';

/** What an ErrorResponse (or a WARNING's NoticeResponse) carries (field letters as in PostgreSQL's protocol docs). */
export interface WireError {
  readonly severity: 'ERROR' | 'FATAL' | 'WARNING';
  /** SQLSTATE. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  /** 1-based character position in the statement (P). */
  readonly position?: number | undefined;
}

/** Connection-level errors the query engine never raises (SQLSTATEs from PostgreSQL's errcodes). */
export const WireState = {
  protocolViolation: '08P01',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  invalidCatalogName: '3D000',
  tooManyConnections: '53300',
  featureNotSupported: '0A000',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  duplicatePreparedStatement: '42P05',
  duplicateCursor: '42P03',
  invalidBinaryRepresentation: '22P03',
  invalidParameterValue: '22023',
  syntaxError: '42601',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
} as const;

export function wireError(code: string, message: string, extra: Partial<WireError> = {}): WireError {
  return { severity: 'ERROR', code, message, ...extra };
}

/** Any thrown value as the error a client sees: QueryError fields pass through. */
export function toWireError(err: unknown): WireError {
  if (err instanceof WireErrorThrown) return err.error;
  if (err instanceof ProtocolError)
    return wireError(WireState.protocolViolation, err.message, err.fatal ? { severity: 'FATAL' } : {});
  const q = asQueryError(err);
  return {
    severity: 'ERROR',
    code: q.code,
    message: q.message,
    detail: q.detail,
    hint: q.hint,
    position: q.position,
  };
}

/** A WireError as an exception, for code paths deep inside a message handler. */
export class WireErrorThrown extends Error {
  constructor(readonly error: WireError) {
    super(error.message);
  }
}

export function errorResponse(w: WireWriter, e: WireError): void {
  w.tap?.errorSent(e.code);
  fieldsMessage(w, 'E', e);
}

export function noticeResponse(w: WireWriter, e: WireError): void {
  fieldsMessage(w, 'N', e);
}

function fieldsMessage(w: WireWriter, type: 'E' | 'N', e: WireError): void {
  w.begin(type);
  w.int8(0x53).cstr(e.severity); // S
  w.int8(0x56).cstr(e.severity); // V
  w.int8(0x43).cstr(e.code); // C
  w.int8(0x4d).cstr(e.message); // M
  if (e.detail !== undefined) w.int8(0x44).cstr(e.detail); // D
  if (e.hint !== undefined) w.int8(0x48).cstr(e.hint); // H
  if (e.position !== undefined) w.int8(0x50).cstr(String(e.position)); // P
  w.int8(0);
  w.end();
}
