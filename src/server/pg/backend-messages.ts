import type { WireWriter } from './wire-writer.js';

/** Backend messages that are the same every time; results and errors have their own modules. */

export const Auth = { ok: 0, cleartext: 3, sasl: 10, saslContinue: 11, saslFinal: 12 } as const;

export function authentication(w: WireWriter, code: number, data?: Buffer | string): void {
  w.begin('R').int32(code);
  if (typeof data === 'string') w.bytes(Buffer.from(data));
  else if (data !== undefined) w.bytes(data);
  w.end();
}

export function parameterStatus(w: WireWriter, name: string, value: string): void {
  w.begin('S').cstr(name).cstr(value).end();
}

export function backendKeyData(w: WireWriter, pid: number, secret: number): void {
  w.begin('K').int32(pid).int32(secret).end();
}

/** 'I' idle, 'T' in a transaction block, 'E' in a failed one. */
export function readyForQuery(w: WireWriter, status: 'I' | 'T' | 'E'): void {
  w.begin('Z').int8(status.charCodeAt(0)).end();
}

export function commandComplete(w: WireWriter, tag: string): void {
  w.begin('C').cstr(tag).end();
}

export function negotiateProtocolVersion(w: WireWriter, minor: number, unknownOptions: string[]): void {
  w.begin('v').int32(minor).int32(unknownOptions.length);
  for (const o of unknownOptions) w.cstr(o);
  w.end();
}

/** Messages with no body: ParseComplete '1', BindComplete '2', CloseComplete '3', NoData 'n',
 *  PortalSuspended 's', EmptyQueryResponse 'I'. */
export function empty(w: WireWriter, type: '1' | '2' | '3' | 'n' | 's' | 'I'): void {
  w.begin(type).end();
}

export function parameterDescription(w: WireWriter, oids: readonly number[]): void {
  w.begin('t').int16(oids.length);
  for (const oid of oids) w.int32(oid);
  w.end();
}
