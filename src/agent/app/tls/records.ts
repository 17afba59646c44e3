import type { TlsErrorReason } from './errors.js';
import { Phase, type TlsSide } from './state.js';

export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;
/** TLSPlaintext/TLSCiphertext records are at most 2^14 + 2048 bytes. */
const MAX_RECORD = 16384 + 2048;

/** Called with the body of a direction's hello, complete. */
export type HelloReader = (buf: Uint8Array, start: number, end: number) => void;

const EMPTY = new Uint8Array(0);

export interface RecordRun {
  readonly maxHello: number;
  fail(side: TlsSide, reason: TlsErrorReason): void;
}

/** Why a record header (type, version, length) cannot start a hello; undefined when it can. */
export function recordHeaderReason(
  type: number,
  version: number,
  length: number,
): TlsErrorReason | undefined {
  if (version >> 8 !== 3 || (version & 0xff) > 4 || length === 0 || length > MAX_RECORD) return 'not_tls';
  if (type === CONTENT_HANDSHAKE) return undefined;
  if (type === CONTENT_APPLICATION_DATA) return 'midstream';
  if (type === CONTENT_ALERT || type === CONTENT_CHANGE_CIPHER_SPEC) return 'not_handshake';
  return 'not_tls';
}

/**
 * New in-order bytes `buf[o..end)` of a direction whose hello is not read yet. The common case —
 * the first record holds the whole hello and the segment the whole record's hello — is read in
 * place; otherwise the record and handshake headers are taken byte by byte and the hello's body
 * is copied until complete.
 */
export function feedRecords(
  run: RecordRun,
  side: TlsSide,
  buf: Uint8Array,
  o: number,
  end: number,
  expectedType: number,
  read: HelloReader,
): void {
  if (
    side.phase === Phase.recordHeader &&
    side.headerFill === 0 &&
    side.messageHeaderFill === 0 &&
    end - o >= 9
  ) {
    const length = (buf[o + 3]! << 8) | buf[o + 4]!;
    const messageLength = (buf[o + 6]! << 16) | (buf[o + 7]! << 8) | buf[o + 8]!;
    if (
      buf[o] === CONTENT_HANDSHAKE &&
      recordHeaderReason(CONTENT_HANDSHAKE, (buf[o + 1]! << 8) | buf[o + 2]!, length) === undefined &&
      4 + messageLength <= length &&
      9 + messageLength <= end - o
    ) {
      if (buf[o + 5] !== expectedType) run.fail(side, 'unexpected_handshake');
      else if (messageLength > run.maxHello) run.fail(side, 'hello_too_long');
      else {
        side.phase = Phase.done;
        read(buf, o + 9, o + 9 + messageLength);
      }
      return;
    }
  }
  while (o < end && side.phase !== Phase.done) {
    if (side.phase === Phase.recordHeader) {
      const b = buf[o++]!;
      switch (side.headerFill++) {
        case 0:
          side.recordType = b;
          side.recordVersion = 0;
          break;
        case 1:
        case 2:
          side.recordVersion = (side.recordVersion << 8) | b;
          break;
        case 3:
          side.recordLeft = b << 8;
          break;
        default: {
          side.recordLeft |= b;
          side.headerFill = 0;
          const reason = recordHeaderReason(side.recordType, side.recordVersion, side.recordLeft);
          if (reason !== undefined) run.fail(side, reason);
          else side.phase = Phase.recordBody;
        }
      }
      continue;
    }
    if (side.messageHeaderFill < 4) {
      const b = buf[o++]!;
      side.recordLeft--;
      if (side.messageHeaderFill++ === 0) side.messageType = b;
      else side.messageLength = (side.messageLength << 8) | b;
      if (side.messageHeaderFill === 4) startBody(run, side, expectedType, read);
    } else {
      const n = Math.min(end - o, side.recordLeft, side.messageLength - side.messageFill);
      side.message!.set(buf.subarray(o, o + n), side.messageFill);
      side.messageFill += n;
      side.recordLeft -= n;
      o += n;
      if (side.messageFill === side.messageLength) {
        const message = side.message!;
        side.message = undefined;
        side.phase = Phase.done;
        read(message, 0, message.length);
        return;
      }
    }
    if (side.recordLeft === 0 && side.phase === Phase.recordBody) side.phase = Phase.recordHeader;
  }
}

function startBody(run: RecordRun, side: TlsSide, expectedType: number, read: HelloReader): void {
  if (side.messageType !== expectedType) run.fail(side, 'unexpected_handshake');
  else if (side.messageLength > run.maxHello) run.fail(side, 'hello_too_long');
  else if (side.messageLength === 0) {
    side.phase = Phase.done;
    read(EMPTY, 0, 0);
  } else {
    side.message = new Uint8Array(side.messageLength);
    side.messageFill = 0;
  }
}
