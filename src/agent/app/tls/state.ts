import { SequenceCursor } from '../tcp-sequence.js';

/** Where a direction's reader is. */
export const Phase = {
  recordHeader: 0,
  recordBody: 1,
  /** The hello was read, or cannot be: nothing more to do in this direction. */
  done: 2,
} as const;

/** One direction: the record layer and the first handshake message, assembled across segments. */
export class TlsSide {
  readonly cursor = new SequenceCursor();
  phase: number = Phase.recordHeader;
  /** Bytes of the 5-byte record header read so far, and what they said. */
  headerFill = 0;
  recordType = 0;
  recordVersion = 0;
  recordLeft = 0;
  /** Bytes of the 4-byte handshake header read so far, and what they said. */
  messageHeaderFill = 0;
  messageType = 0;
  messageLength = 0;
  /** The hello's body while it spans segments (exactly messageLength bytes). */
  message: Uint8Array | undefined = undefined;
  messageFill = 0;
}

/** Per-flow state, and the fields found (kept to emit again into the records after the first). */
export class TlsState {
  readonly client = new TlsSide();
  readonly server = new TlsSide();
  serverName = '';
  /** 0 until the ServerHello is read. */
  version = 0;
  cipher = 0;
  helloSeen = false;
  /** The record was exported: emit the fields again into the next one. */
  emitAgain = false;
}
